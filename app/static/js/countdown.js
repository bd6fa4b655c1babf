/* Candidate portal: a live countdown to the deadline, in the candidate's own local time.
   Progressive enhancement: without it the page states the deadline in the account's time zone. */
(function () {
  "use strict";

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function remaining(ms) {
    var total = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    return (h ? h + " h " : "") + pad(m) + " min " + pad(s) + " s";
  }

  function start(box) {
    var deadline = new Date(box.getAttribute("data-deadline"));
    if (isNaN(deadline.getTime())) {
      return;
    }
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      zone = "";
    }
    var local = deadline.toLocaleString(undefined, {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
    });
    box.hidden = false;
    function tick() {
      var left = deadline.getTime() - Date.now();
      if (left <= 0) {
        box.textContent = "Time is up. Reload the page to see what was received.";
        box.classList.add("time-up");
        var upload = document.querySelector("form[enctype='multipart/form-data']");
        if (upload) {
          upload.hidden = true;
        }
        return;
      }
      box.textContent = "Time left: " + remaining(left) + " — ends " + local +
        (zone ? " your local time (" + zone + ")" : " your local time");
      window.setTimeout(tick, 1000 - (Date.now() % 1000));
    }
    tick();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-deadline]"), start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
