  // -- the page starts ---------------------------------------------------------------------------

  window.addEventListener("hashchange", route);
  drawList();
  // A page made to open on a story or a pair (naql serve's /stories/…, /pairs/…) starts there
  // unless its address already says where to go.
  if (!location.hash && opening.route) history.replaceState(null, "", "#" + opening.route);
  route();
