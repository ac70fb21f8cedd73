// The network directory, better with JavaScript: filters (topic, country, platform, role,
// status) and sort orders work in place, and the address keeps them, so a view can be shared.
// Without this file the topic links lead to the topic pages and the sort links to the
// pre-sorted directory pages.
(function () {
  "use strict";

  var list = document.querySelector("[data-network-cards]");
  var filter = document.querySelector("[data-network-filter]");
  var sorter = document.querySelector("[data-network-sort]");
  if (!list) {
    return;
  }
  var cards = Array.prototype.slice.call(list.querySelectorAll(".network-card"));
  var status = document.querySelector("[data-network-status]");
  var current = null;
  var currentLabel = "";
  var order = null;
  var facetForm = document.querySelector("[data-network-facets]");
  var FACETS = ["country", "platform", "role", "status"];
  var chosen = {}; // facet -> value, e.g. {country: "KE"}
  if (facetForm) {
    facetForm.hidden = false;
  }
  // The sort and filter controls are folded (a phone sees the cards first); a wide screen
  // has room to show them open.
  var controls = document.querySelector("[data-network-controls]");
  if (controls && window.matchMedia("(min-width: 48rem)").matches) {
    controls.open = true;
  }

  // aria-current=`value` on the one of `links` that `isCurrent`, off the others.
  function markCurrent(links, value, isCurrent) {
    links.forEach(function (link) {
      if (isCurrent(link)) {
        link.setAttribute("aria-current", value);
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  function facetMatches(card) {
    return FACETS.every(function (facet) {
      var wanted = chosen[facet];
      if (!wanted) {
        return true;
      }
      var attribute = facet === "platform" ? "data-platforms" : "data-" + facet;
      var values = (card.getAttribute(attribute) || "").split(facet === "platform" ? "|" : " ");
      return values.indexOf(wanted) !== -1;
    });
  }

  function facetWords() {
    return FACETS.filter(function (facet) {
      return chosen[facet];
    }).map(function (facet) {
      var select = facetForm && facetForm.querySelector('[data-facet="' + facet + '"]');
      var option = select && select.options[select.selectedIndex];
      var text = option ? option.textContent.replace(/\s*\(\d+\)$/, "") : chosen[facet];
      return facet + " " + text;
    });
  }

  // The state lives in the address's fragment ("#topic=python&sort=oldest"), never in its path:
  // the page's links are relative, and a different path would send them elsewhere.
  function remember() {
    var params = new URLSearchParams();
    if (current) {
      params.set("topic", current);
    }
    FACETS.forEach(function (facet) {
      if (chosen[facet]) {
        params.set(facet, chosen[facet]);
      }
    });
    if (order) {
      params.set("sort", order);
    }
    var hash = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (hash ? "#" + hash : ""));
  }

  function showTopic(slug, label) {
    current = slug;
    currentLabel = label;
    var shown = 0;
    cards.forEach(function (card) {
      var topics = (card.getAttribute("data-topics") || "").split(" ");
      var match = (!slug || topics.indexOf(slug) !== -1) && facetMatches(card);
      card.hidden = !match;
      // The theme may give cards a display of their own, which would beat [hidden].
      card.style.display = match ? "" : "none";
      if (match) {
        shown += 1;
      }
    });
    if (filter) {
      markCurrent(filter.querySelectorAll("a[data-topic]"), "true", function (link) {
        return link.getAttribute("data-topic") === slug;
      });
    }
    if (status) {
      status.textContent = "";
      var words = facetWords();
      if (slug || words.length) {
        var what = (slug ? " on " + label : "") + (words.length ? (slug ? ", " : ": ") + words.join(", ") : "");
        status.appendChild(document.createTextNode(
          "Showing " + shown + " of " + cards.length + " members" + what + ". "));
        var clear = document.createElement("button");
        clear.type = "button";
        clear.textContent = "Show everyone";
        clear.addEventListener("click", function () {
          chosen = {};
          if (facetForm) {
            facetForm.reset();
          }
          showTopic(null, "");
          remember();
        });
        status.appendChild(clear);
      }
    }
  }

  function sortBy(wanted) {
    order = wanted;
    var sorted = cards.slice().sort(function (a, b) {
      var byName = a.getAttribute("data-name").localeCompare(b.getAttribute("data-name"));
      if (wanted === "name") {
        return byName;
      }
      var sinceA = a.getAttribute("data-since");
      var sinceB = b.getAttribute("data-since");
      var bySince = sinceA < sinceB ? -1 : sinceA > sinceB ? 1 : 0;
      return (wanted === "newest" ? -bySince : bySince) || byName;
    });
    sorted.forEach(function (card) {
      list.appendChild(card);
    });
  }

  // A plain click on one of `container`'s links matching `selector` is handled in place; a
  // click that opens a new tab or window keeps the link's own page.
  function onPlainClick(container, selector, handle) {
    if (!container) {
      return;
    }
    container.addEventListener("click", function (event) {
      var link = event.target.closest(selector);
      if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) {
        return;
      }
      event.preventDefault();
      handle(link);
      remember();
    });
  }

  onPlainClick(filter, "a[data-topic]", function (link) {
    var slug = link.getAttribute("data-topic");
    var label = link.firstChild ? link.firstChild.textContent.trim() : slug;
    if (slug === current) {
      showTopic(null, "");
    } else {
      showTopic(slug, label);
    }
  });

  onPlainClick(sorter, "a[data-order]", function (link) {
    sortBy(link.getAttribute("data-order"));
    markOrder(link);
  });

  function markOrder(chosen) {
    markCurrent(sorter.querySelectorAll("a[data-order]"), "page", function (link) {
      return link === chosen;
    });
  }

  if (facetForm) {
    facetForm.addEventListener("change", function (event) {
      var facet = event.target.getAttribute("data-facet");
      if (facet) {
        chosen[facet] = event.target.value;
        showTopic(current, currentLabel);
        remember();
      }
    });
    facetForm.addEventListener("submit", function (event) {
      event.preventDefault();
    });
  }

  // A shared address opens as it was shared.
  var params = new URLSearchParams(location.hash.slice(1));
  if (facetForm) {
    FACETS.forEach(function (facet) {
      var select = facetForm.querySelector('[data-facet="' + facet + '"]');
      var value = params.get(facet);
      if (select && value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) {
        select.value = value;
        chosen[facet] = value;
      }
    });
  }
  var topic = params.get("topic");
  if (topic && filter) {
    filter.querySelectorAll("a[data-topic]").forEach(function (link) {
      if (link.getAttribute("data-topic") === topic) {
        showTopic(topic, link.firstChild.textContent.trim());
      }
    });
  }
  if (!current && facetWords().length) {
    showTopic(null, "");
  }
  var sort = params.get("sort");
  if (sorter && (sort === "name" || sort === "newest" || sort === "oldest")) {
    sortBy(sort);
    markOrder(sorter.querySelector('a[data-order="' + sort + '"]'));
  }
  // A shared view shows what it filters by, and how to see everyone again.
  if (controls && (current || facetWords().length || order)) {
    controls.open = true;
  }
})();
