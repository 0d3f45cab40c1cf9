// A form marked data-send-once is sent once: a double tap on a phone (or a second click while the
// page is loading) would otherwise send it twice. The server is idempotent for such forms anyway
// (each carries a key); this only spares the second request. The button pressed still goes with
// the form: nothing is disabled, the second submission is cancelled.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-send-once")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  window.addEventListener("pageshow", () => delete form.dataset.sent, { once: true });
});
