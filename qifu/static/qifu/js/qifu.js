// Qifu page behaviour: no inline scripts (CSP script-src 'self').
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLElement && el.matches("[data-qf-autosubmit]")) {
    el.closest("form")?.requestSubmit();
  }
});
document.addEventListener("htmx:responseError", (event) => {
  if (event.detail.xhr.status === 401) window.location.reload();
});
