// Running score kept in this browser only (localStorage): each marked attempt shown adds one attempt, and one
// fully right attempt when every answer was right. Pages work the same without it.
(function () {
  "use strict";
  var KEY = "qbank-practice-score";
  var score;
  try { score = JSON.parse(window.localStorage.getItem(KEY)) || {}; } catch (e) { score = {}; }
  var attempts = score.attempts || 0;
  var right = score.right || 0;
  var marked = document.querySelector("form[data-attempt]");
  if (marked) {
    var asked = parseInt(marked.getAttribute("data-asked"), 10) || 0;
    attempts += 1;
    if (asked > 0 && parseInt(marked.getAttribute("data-right"), 10) === asked) { right += 1; }
    try { window.localStorage.setItem(KEY, JSON.stringify({attempts: attempts, right: right})); } catch (e) {}
  }
  var shown = document.getElementById("score");
  if (shown && attempts) {
    shown.textContent = "Score: " + right + " of " + attempts + " attempts fully right";
  }
})();
