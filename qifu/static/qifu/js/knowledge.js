// The knowledge base's "使用此答复" (issue 7 item 5): no inline scripts (CSP script-src 'self').
// A click copies the entry's answer into the answer textarea (data-qf-kb-target = its id), opens its
// form and adds a hidden knowledge_entry input: the use is counted when the answer is sent, and only
// if the sent answer still carries most of the entry's words (qifu.knowledge.services).
(() => {
  if (window.qfKnowledge) return;
  window.qfKnowledge = true;
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-qf-kb-use]") : null;
    if (!button) return;
    const field = document.getElementById(button.dataset.qfKbTarget || "");
    if (!(field instanceof HTMLTextAreaElement)) return;
    const text = button.dataset.qfKbText || "";
    field.value = field.value.trim() ? `${field.value.trimEnd()}\n\n${text}` : text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    const details = field.closest("details");
    if (details) details.open = true;
    const form = field.form;
    const id = button.dataset.qfKbUse || "";
    if (form && id && !form.querySelector(`input[name="knowledge_entry"][value="${CSS.escape(id)}"]`)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "knowledge_entry";
      input.value = id;
      form.appendChild(input);
    }
    if (button.dataset.qfKbDone) button.textContent = button.dataset.qfKbDone;
    field.focus();
  });
})();
