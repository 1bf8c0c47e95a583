// Qifu page behaviour: no inline scripts (CSP script-src 'self'); everything hangs off data-qf-* attributes.

// <select data-qf-autosubmit>: submit its form on change (language switcher).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLElement && el.matches("[data-qf-autosubmit]")) {
    el.closest("form")?.requestSubmit();
  }
});

// <input type="checkbox" data-qf-check-all="NAME">: tick or clear every checkbox called NAME in its form.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (!(el instanceof HTMLInputElement) || !el.dataset.qfCheckAll) return;
  const scope = el.closest("form") || document;
  scope.querySelectorAll(`input[type=checkbox][name="${CSS.escape(el.dataset.qfCheckAll)}"]`).forEach((box) => {
    box.checked = el.checked;
  });
});

// Filter forms (data-qf-clean-params): leave empty fields out of the URL, so a shared or
// bookmarked list link reads /enterprises/?park=光电产业园 rather than a row of empty keys.
document.addEventListener("htmx:configRequest", (event) => {
  const elt = event.detail.elt;
  if (!(elt instanceof HTMLElement) || !elt.closest("[data-qf-clean-params]")) return;
  if (event.detail.verb !== "get") return;
  const params = event.detail.parameters;
  for (const key of Array.from(Object.keys(params))) {
    if (params[key] === "") delete params[key];
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-qf-clean-params]")) return;
  if (window.htmx && form.hasAttribute("hx-get")) return; // htmx:configRequest above does it
  form.querySelectorAll("input, select").forEach((field) => {
    if ((field instanceof HTMLInputElement || field instanceof HTMLSelectElement) && field.value === "") {
      field.disabled = true;
      setTimeout(() => { field.disabled = false; }, 0);
    }
  });
});

// An expired session answers HTMX requests with 401: reload to reach the login page.
document.addEventListener("htmx:responseError", (event) => {
  if (event.detail.xhr.status === 401) window.location.reload();
});
