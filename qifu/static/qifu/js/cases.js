// The case pages (提诉求, the case page): no inline scripts (CSP script-src 'self'); everything
// hangs off data-qf-* attributes, and the handlers are delegated so HTMX-swapped forms work too.
(() => {
  if (window.qfCases) return; // loaded once even if a page includes the script twice
  window.qfCases = true;

  // <textarea data-qf-counter="10000">: "123 / 10000" in [data-qf-counter-for=<its id>].
  const count = (field) => {
    const out = document.querySelector(`[data-qf-counter-for="${CSS.escape(field.id)}"]`);
    if (!out) return;
    const max = Number(field.dataset.qfCounter);
    out.textContent = `${field.value.length} / ${max}`;
    out.classList.toggle("qf-overdue-text", field.value.length > max);
  };
  document.addEventListener("input", (event) => {
    const el = event.target;
    if (el instanceof HTMLTextAreaElement && el.dataset.qfCounter) count(el);
  });
  const init = () => document.querySelectorAll("textarea[data-qf-counter]").forEach(count);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  // <input type=file data-qf-max-mb="20">: refuse a too-large file before the upload starts (the
  // server checks again); the message goes to the [data-qf-file-error] next to the input.
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.qfMaxMb) return;
    const max = Number(input.dataset.qfMaxMb) * 1024 * 1024;
    const box = input.closest("form")?.querySelector("[data-qf-file-error]");
    const big = Array.from(input.files || []).filter((f) => f.size > max);
    if (box) {
      // the sentence comes translated from the page: data-qf-too-big="… {name} … {mb} …"
      const sentence = input.dataset.qfTooBig || "{name}: > {mb} MB";
      box.textContent = big.length
        ? sentence.replace("{name}", big.map((f) => f.name).join(", ")).replace("{mb}", input.dataset.qfMaxMb)
        : "";
      box.classList.toggle("d-block", big.length > 0);
    }
    if (big.length) input.value = "";
    const list = input.dataset.qfFileList && document.getElementById(input.dataset.qfFileList);
    if (list) list.textContent = Array.from(input.files || []).map((f) => f.name).join("、");
  });

  // <form data-qf-confirm="…">: ask before an action that cannot be undone (撤回).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.qfConfirm && !window.confirm(form.dataset.qfConfirm)) {
      event.preventDefault();
    }
  });

  // A form submits once: a second tap on a slow phone network must not post the action twice.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented || !form.closest(".qf-case, .qf-case-form")) return;
    if (form.dataset.qfSent) {
      event.preventDefault();
      return;
    }
    form.dataset.qfSent = "1";
  });
})();
