// The search page: asks the Pagefind index (built with the site) and lists the results, each
// labelled by kind. The query lives in the address (?q=...&kind=...), so a search can be shared.
(function () {
  "use strict";

  var script = document.currentScript;
  var form = document.querySelector("[data-search-form]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  if (!script || !form || !status || !list) {
    return;
  }
  // One Pagefind bundle per part of the site (the rest, the directory, the reading feed): the
  // first that loads asks the others too.
  var bundles = (script.getAttribute("data-bundles") || "")
    .split(" ")
    .filter(Boolean)
    .map(function (folder) {
      return new URL(folder, location.href).href;
    });
  var siteRoot = new URL(script.getAttribute("data-site"), location.href).pathname;
  var input = form.querySelector("input[name=q]");
  var kindSelect = form.querySelector("select[name=kind]");
  var LABELS = { post: "Post", person: "Person", reading: "Reading", page: "Page" };
  var MAX_RESULTS = 30;
  var pagefind = null;
  var latest = 0;

  function say(text) {
    status.textContent = text;
  }

  // Pagefind's excerpts are HTML with <mark> around the hits: keep the text and the marks only.
  function excerptNodes(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createDocumentFragment();
    doc.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function resultItem(kind, title, url, excerpt, context) {
    var item = document.createElement("li");
    item.className = "search-result search-result--" + kind;
    var label = document.createElement("span");
    label.className = "tag search-result__kind";
    label.textContent = LABELS[kind] || kind;
    var heading = document.createElement("h2");
    heading.className = "search-result__title";
    var link = document.createElement("a");
    link.href = url;
    link.textContent = title;
    link.dir = "auto"; // a title from a feed may be Arabic or Hebrew: its own direction
    heading.appendChild(link);
    item.appendChild(label);
    item.appendChild(heading);
    if (context) {
      var where = document.createElement("p");
      where.className = "muted search-result__context";
      where.textContent = context;
      where.dir = "auto";
      item.appendChild(where);
    }
    var text = document.createElement("p");
    text.className = "search-result__excerpt";
    text.dir = "auto";
    text.appendChild(excerptNodes(excerpt));
    item.appendChild(text);
    return item;
  }

  // A reading page holds many entries: each matching entry is a result of its own.
  function itemsFor(data) {
    var kind = (data.meta && data.meta.kind) || "page";
    var title = (data.meta && data.meta.title) || data.url;
    if (kind === "reading" && data.sub_results && data.sub_results.length) {
      return data.sub_results
        .filter(function (sub) {
          return sub.url.indexOf("#entry-") !== -1;
        })
        .map(function (sub) {
          return resultItem(kind, sub.title, sub.url, sub.excerpt, title);
        });
    }
    return [resultItem(kind, title, data.url, data.excerpt, "")];
  }

  function search(query, kind) {
    var ticket = ++latest;
    list.textContent = "";
    if (!query) {
      say("Type a few words to search the posts, the people and what they wrote.");
      return Promise.resolve();
    }
    say("Searching…");
    var options = kind ? { filters: { kind: kind } } : {};
    return pagefind
      .search(query, options)
      .then(function (found) {
        return Promise.all(
          found.results.slice(0, MAX_RESULTS).map(function (r) {
            return r.data();
          })
        );
      })
      .then(function (all) {
        if (ticket !== latest) {
          return;
        }
        var items = [];
        all.forEach(function (data) {
          items = items.concat(itemsFor(data));
        });
        items.forEach(function (item) {
          list.appendChild(item);
        });
        var count = items.length;
        say(
          count === 0
            ? "Nothing found for “" + query + "”."
            : count + (count === 1 ? " result" : " results") + " for “" + query + "”."
        );
      });
  }

  // The address wins only when it says something: what a visitor typed while the index was
  // still loading is kept.
  function fromAddress() {
    var params = new URLSearchParams(location.search);
    if (params.has("q")) {
      input.value = params.get("q");
    }
    if (kindSelect && params.has("kind")) {
      kindSelect.value = LABELS[params.get("kind")] ? params.get("kind") : "";
    }
  }

  var asked = null; // the query and kind on screen, so that asking again does not flicker

  function run() {
    if (!pagefind) {
      say("Loading the search index…");
      return Promise.resolve();
    }
    var query = input.value.trim();
    var kind = kindSelect ? kindSelect.value : "";
    if (asked === query + "\n" + kind) {
      return Promise.resolve();
    }
    asked = query + "\n" + kind;
    return search(query, kind);
  }

  function remember() {
    var params = new URLSearchParams();
    if (input.value.trim()) {
      params.set("q", input.value.trim());
    }
    if (kindSelect && kindSelect.value) {
      params.set("kind", kindSelect.value);
    }
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  // Listen at once: a search asked for while the index is still loading runs when it arrives,
  // and the form never falls back to reloading the page.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    remember();
    run();
  });
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      remember();
      run();
    }, 250);
  });
  if (kindSelect) {
    kindSelect.addEventListener("change", function () {
      remember();
      run();
    });
  }

  // The first bundle that loads; a part with nothing to index has none.
  function loadFrom(index) {
    if (index >= bundles.length) {
      return Promise.reject(new Error("no search index"));
    }
    return import(bundles[index] + "pagefind.js").then(
      function (module) {
        return { module: module, others: bundles.slice(index + 1) };
      },
      function () {
        return loadFrom(index + 1);
      }
    );
  }

  loadFrom(0)
    .then(function (found) {
      return found.module
        .options({ baseUrl: siteRoot })
        .then(function () {
          return Promise.all(
            found.others.map(function (other) {
              return found.module.mergeIndex(other, { baseUrl: siteRoot }).catch(function () {
                return null; // that part has no index: search the others
              });
            })
          );
        })
        .then(function () {
          pagefind = found.module;
        });
    })
    .then(function () {
      fromAddress();
      return run();
    })
    .catch(function () {
      say("The search index is missing: this copy of the site was built without it.");
    });
})();
