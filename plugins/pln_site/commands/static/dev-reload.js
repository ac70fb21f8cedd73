// Served by `invoke dev` alone, and named only by the pages it builds: reloads the page when a
// new build is done, or sooner, once the build under way has written this page; and shows a
// failed build's problems over the page until the next good one.
// The problems quote the files being edited, so they are written as text (textContent), never
// as markup.
(function () {
  "use strict";

  var OVERLAY_ID = "dev-build-problems";

  // The build this page came from ("dev-build") and its file ("dev-page"): the dev server
  // names them in every answer's Server-Timing.
  function served(name) {
    var navigation = performance.getEntriesByType("navigation")[0];
    var timings = (navigation && navigation.serverTiming) || [];
    for (var i = 0; i < timings.length; i++) {
      if (timings[i].name === name) return timings[i].description;
    }
    return null;
  }

  function hideProblems() {
    var overlay = document.getElementById(OVERLAY_ID);
    if (overlay) overlay.remove();
  }

  function showProblems(problems) {
    hideProblems();
    var overlay = document.createElement("section");
    overlay.id = OVERLAY_ID;
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-labelledby", OVERLAY_ID + "-title");
    // Styles through the CSSOM: the page's CSP forbids style attributes, not this.
    var look = {
      position: "fixed", inset: "0 0 auto 0", zIndex: "2147483647", maxHeight: "80vh",
      overflow: "auto", margin: "0", padding: "1rem 1.5rem", background: "#3b0a0a",
      color: "#fff", font: "14px/1.5 ui-monospace, monospace", borderBottom: "4px solid #e33",
    };
    Object.keys(look).forEach(function (name) { overlay.style[name] = look[name]; });

    var title = document.createElement("h2");
    title.id = OVERLAY_ID + "-title";
    title.textContent = "The build failed: this page is the last good build";
    title.style.margin = "0 0 0.5rem";
    title.style.font = "bold 16px/1.4 ui-monospace, monospace";
    overlay.appendChild(title);

    var list = document.createElement("ul");
    list.style.margin = "0";
    list.style.paddingLeft = "1.25rem";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.className = "dev-build-problem";
      var where = [problem.file, problem.line ? String(problem.line) : ""]
        .filter(Boolean).join(":");
      var field = problem.field && problem.field !== "-" ? problem.field + ": " : "";
      item.textContent = (where ? where + ": " : "") + field + problem.message;
      item.style.whiteSpace = "pre-wrap";
      list.appendChild(item);
    });
    overlay.appendChild(list);

    var next = document.createElement("p");
    next.textContent = "Fix it and save: the page reloads by itself.";
    next.style.margin = "0.5rem 0 0";
    overlay.appendChild(next);
    document.body.appendChild(overlay);
  }

  var built = served("dev-build");
  var page = served("dev-page");
  var events = new EventSource("/__dev/events");
  events.addEventListener("build", function (event) {
    var state = JSON.parse(event.data);
    if (state.building !== null && state.building === built) {
      hideProblems(); // this page comes from the build under way, newer than the state
    } else if (state.problems.length) {
      showProblems(state.problems);
    } else if (state.build !== built) {
      location.reload();
    } else {
      hideProblems();
    }
  });
  events.addEventListener("page", function (event) {
    var written = JSON.parse(event.data);
    if (page !== null && written.page === page && written.build !== built) location.reload();
  });
})();
