  // The page's opening route, the constants every part draws with.

  // Where a page served by naql serve opens, and where its «All stories» leads.
  const openingBlock = document.getElementById("opening");
  const opening = openingBlock ? JSON.parse(openingBlock.textContent) : {};

  const SVG = "http://www.w3.org/2000/svg";
  const PER_PAGE = 50;
  const COLOURS = 8; // passage colours in report.css (.p0 … .p7)
  const KINDS = ["copied", "excerpt", "shared", "template", "credited"];
  const DIRECTED = ["copied", "excerpt", "credited"];
  const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
  const BIDI_NAMES = {
    "\u202A": "LRE", "\u202B": "RLE", "\u202C": "PDF", "\u202D": "LRO", "\u202E": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
  };
