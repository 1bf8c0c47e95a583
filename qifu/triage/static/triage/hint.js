// The dispatch form's triage hint: "采用" fills the form's lead department and category selects.
// Nothing is submitted; the desk reviews and confirms. Loaded with the hint (CSP: no inline script).
if (!window.qfTriageHint) {
  window.qfTriageHint = true;
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-qf-triage-use]") : null;
    if (!button) return;
    const form = button.closest("form");
    if (!form) return;
    for (const [name, value] of [["lead", button.dataset.lead], ["category", button.dataset.category]]) {
      const select = form.querySelector(`select[name="${name}"]`);
      if (select && value && [...select.options].some((o) => o.value === value)) {
        select.value = value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    button.textContent = button.dataset.done || button.textContent;
  });
}
