// Polls a grading run's status and updates the page without reloading (no inline script: CSP).
(function () {
  "use strict";
  const section = document.getElementById("run-status");
  if (!section || section.dataset.finished === "true") return;
  const field = (name) => section.querySelector(`[data-field="${name}"]`);
  const format = (value) => Number(value).toFixed(1);

  function render(status) {
    field("progress").textContent = status.progress;
    const bar = field("bar");
    bar.max = Math.max(status.cells_total, 1);
    bar.value = status.cells_done;
    if (status.score !== undefined && status.score !== null) {
      field("score").textContent = `Score: ${format(status.score)} / ${format(status.max_score)}`;
    }
    const body = field("groups").tBodies[0];
    body.replaceChildren();
    for (const group of status.groups || []) {
      const row = body.insertRow();
      row.insertCell().textContent = group.title;
      row.insertCell().textContent = `${format(group.score)} / ${format(group.max_score)}`;
      row.insertCell().textContent = group.message;
    }
  }

  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        render(status);
        if (status.finished) return;
      }
    } catch (error) {
      // A dropped connection: try again on the next tick.
    }
    window.setTimeout(poll, 1500);
  }
  window.setTimeout(poll, 1000);
})();
