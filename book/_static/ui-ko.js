// Korean labels for two interface strings that the extensions build in JavaScript, in English.
// Loaded after copybutton.js and togglebutton.js, whose globals `messages` and `locale` it uses.
if (document.documentElement.lang === "ko") {
  // sphinx-copybutton 0.5.2: its message table has no "ko" entry; the buttons are created on
  // DOMContentLoaded, after this runs.
  if (typeof messages !== "undefined") {
    messages.ko = {
      copy: "복사",
      copy_to_clipboard: "클립보드에 복사",
      copy_success: "복사했습니다",
      copy_failure: "복사하지 못했습니다",
    };
    locale = "ko";
  }
  // sphinx-togglebutton 0.4.5 hard-codes the toggle's aria-label; this listener runs after the
  // one that creates the buttons, since it is registered later.
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".toggle-button").forEach((button) => {
      button.setAttribute("aria-label", "숨긴 내용 열고 닫기");
    });
  });
}
