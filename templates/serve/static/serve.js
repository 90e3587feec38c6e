// Running score kept in this browser only (localStorage): each marked attempt is counted once.
(function () {
  "use strict";
  var KEY = "qbank-practice-score";
  var score;
  try { score = JSON.parse(window.localStorage.getItem(KEY)) || {}; } catch (e) { score = {}; }
  score.attempts = score.attempts || 0;
  score.right = score.right || 0;
  score.seen = score.seen || {};
  var marked = document.querySelector("form[data-attempt]");
  if (marked) {
    var id = marked.getAttribute("data-attempt") + "#" + (score.attempts + 1);
    var asked = parseInt(marked.getAttribute("data-asked"), 10) || 0;
    var right = parseInt(marked.getAttribute("data-right"), 10) || 0;
    if (!window.sessionStorage.getItem("marked:" + window.location.pathname + performance.timeOrigin)) {
      window.sessionStorage.setItem("marked:" + window.location.pathname + performance.timeOrigin, id);
      score.attempts += 1;
      if (asked > 0 && right === asked) { score.right += 1; }
      try { window.localStorage.setItem(KEY, JSON.stringify({attempts: score.attempts, right: score.right})); } catch (e) {}
    }
  }
  var shown = document.getElementById("score");
  if (shown && score.attempts) {
    shown.textContent = "Score: " + score.right + " of " + score.attempts + " attempts fully right";
  }
})();
