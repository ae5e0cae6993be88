  // -- text, safely --------------------------------------------------------------------------

  function marker(c) {
    return "\u27E6" + BIDI_NAMES[c] + "\u27E7";
  }

  /** A string for attributes and SVG text: bidi controls as visible markers. */
  function inert(value) {
    return String(value == null ? "" : value).replace(BIDI, marker);
  }

  /** Appends text to an element; a bidi control becomes a marked, harmless «⟦RLO⟧». */
  function put(parent, value) {
    const text = String(value == null ? "" : value);
    let last = 0;
    BIDI.lastIndex = 0;
    let found;
    while ((found = BIDI.exec(text)) !== null) {
      if (found.index > last) parent.appendChild(document.createTextNode(text.slice(last, found.index)));
      const mark = document.createElement("span");
      mark.className = "bidi";
      mark.textContent = marker(found[0]);
      mark.title = "an invisible direction control (U+" +
        found[0].charCodeAt(0).toString(16).toUpperCase() + ") in the text, shown and made harmless";
      parent.appendChild(mark);
      last = found.index + 1;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) compose(node, text);
    return node;
  }

  // A line that names several things («X (الشرق الأوسط) ⇄ 003_…») is written as parts: strings,
  // and {name} for names, each isolated (<bdi>) so the digits of an id after an Arabic outlet
  // are not read into the Arabic run and reordered. A name is laid out left to right, as the
  // page is: «الشرق الأوسط (full version, not in the pile)» keeps its qualifier after it, and a
  // URL reads as a URL.
  function compose(parent, parts) {
    if (!Array.isArray(parts)) return put(parent, parts);
    for (const part of parts) {
      if (typeof part === "string") {
        put(parent, part);
      } else {
        const name = put(document.createElement("bdi"), part.name);
        name.dir = "ltr";
        parent.appendChild(name);
      }
    }
    return parent;
  }

  /** The same parts for a tooltip: names between LRI and PDI, which the data's own
   *  direction controls (already made inert) cannot unbalance. */
  function flat(parts) {
    if (!Array.isArray(parts)) return inert(parts);
    return parts.map(function (part) {
      return typeof part === "string" ? inert(part) : "\u2066" + inert(part.name) + "\u2069";
    }).join("");
  }

  function named(names, separator) {
    const parts = [];
    names.forEach(function (name, n) {
      if (n) parts.push(separator);
      parts.push({ name: name });
    });
    return parts;
  }

  /** Text cut to a few lines (a source not in the pile may be named by twenty pages): the
   *  whole of it on hover, and (unless the click means something else there) on a click. */
  function clamped(tag, text, lines, fixed) {
    const box = el(tag, "clamp clamp" + lines, text);
    box.title = flat(text);
    if (fixed) return box;
    box.addEventListener("click", function (event) {
      if (box.scrollHeight > box.clientHeight + 1 || box.classList.contains("open")) {
        event.stopPropagation();
        box.classList.toggle("open");
      }
    });
    return box;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const name in attributes) node.setAttribute(name, attributes[name]);
    return node;
  }

  function percent(share) {
    return Math.round(share * 100) + "%";
  }

  function plural(count, word, many) {
    return count.toLocaleString("en") + " " + (count === 1 ? word : many || word + "s");
  }

  function day(date) {
    return date ? String(date).slice(0, 10) : "";
  }

  function dates(first, last) {
    if (!first) return "—";
    return day(first) === day(last) ? day(first) : day(first) + " → " + day(last);
  }

  /** Only web addresses become links; anything else (javascript:, data:) stays text. Python
   *  said whether the URL is one (``linkable``); the page checks again. */
  function link(url, linkable) {
    if (linkable && /^https?:\/\/[^\s\/?#]/i.test(url)) {
      const a = el("a", "url", url);
      a.href = url;
      a.rel = "noopener noreferrer nofollow";
      a.target = "_blank";
      return a;
    }
    return el("span", "url", url);
  }

  // Arabic spelled as outlets differ (hamza forms, ta marbuta, alef maqsura, diacritics),
  // Latin case and accents: a search finds the story however the label spells it.
  function fold(text) {
    return String(text).toLowerCase().normalize("NFKD")
      .replace(/[\u0300-\u036f\u064B-\u065F\u0670\u0640]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A")
      .replace(/\u0629/g, "\u0647");
  }
