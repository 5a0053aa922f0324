// flame.js — interaction for goheapflame's SVG flame graphs (embedded at
// build time). render/svg.c writes every rectangle, shown and collapsed, as
// columns of integers in the JSON block #ghf-data (x / w in weight units,
// depth, parent and reveal as index + 1, merged: 1, or 2 when its members
// follow; r, m, n as "index, value" pairs of the non-zero ones; colours as
// indices into the palette K) and a static drawing of the first view for viewers without
// script. This script draws only what the current view shows, at most
// data-max frames (the widest), as DOM, so a graph of 200,000 rectangles
// loads and searches quickly. Labels are refitted with the writer's DejaVu
// Sans width table (svg data-cw), never by measuring text in the DOM.
"use strict";
(function () {
  var SVGNS = "http://www.w3.org/2000/svg";
  var svg = document.documentElement;
  function num(a) { return Number(svg.getAttribute(a)); }
  var total = num("data-total"), xpad = num("data-xpad"), fw = num("data-fw"), font = num("data-font");
  var ftop = num("data-ft"), fh = num("data-fh"), maxDepth = num("data-md"), maxDraw = num("data-max");
  var icicle = svg.getAttribute("data-orient") === "icicle";
  var cw = svg.getAttribute("data-cw").split(",").map(Number);
  var cwo = num("data-cwo");
  var unitEl = document.getElementById("unit");
  var unit = unitEl ? unitEl.textContent : "bytes";
  var objects = svg.getAttribute("data-objects") === "1";
  var D, n = 0, hit = null;   // the data columns, frame count, search marks
  var held = {};               // shared frames: index -> their holders' tooltip lines
  var framesEl, noteEl, details, matchedEl, unzoomBtn, searchBtn, icBtn, box, input;
  var pool = [];               // drawn <g> elements, reused between views
  var zoomed = -1, query = null, ignoreCase = false;

  function units(ch) {
    var c = ch.codePointAt(0);
    return c >= 32 && c < 127 ? cw[c - 32] : cwo;
  }
  // What of `name` fits in px, as text_fit_label() in textwidth.c: the
  // package path elided element by element from the start ("…Session ×2,000"),
  // else the last element's head and "…", else nothing (< 3 characters).
  function sum(chars, a, b) { var u = 0; for (var i = a; i < b; i++) u += units(chars[i]); return u; }
  var minUnits = Math.min.apply(null, cw.concat([cwo]));
  function fitLabel(name, px) {
    var limit = px <= 0 ? 0 : Math.floor(px * 1000 / font);
    // Three characters cannot fit: nothing of a name of 3+ code points
    // (6+ UTF-16 units) does.
    if (limit < 3 * minUnits && name.length >= 6) return "";
    var chars = Array.from(name), len = chars.length, i;
    if (sum(chars, 0, len) <= limit) return name;
    var ell = cwo, last = 0;
    for (i = 0; i < len; i++) {
      if (chars[i] !== "." && chars[i] !== "/") continue;
      last = i + 1;
      if (last < len && ell + sum(chars, last, len) <= limit && len - last >= 3)
        return "\u2026" + chars.slice(last).join("");
    }
    var used = ell, end = last;
    for (i = last; i < len; i++) {
      var w = units(chars[i]);
      if (used + w > limit) break;
      used += w;
      end = i + 1;
    }
    if (end - last < 3) return "";
    return chars.slice(last, end).join("") + "\u2026";
  }
  // One decimal rounded half up in integers, as render.c prints it.
  function tenths(v, d) { var q = Math.floor(v / d), r = v - q * d; return q * 10 + Math.floor((r * 10 + Math.floor(d / 2)) / d); }
  function dec(t) { return Math.floor(t / 10) + "." + (t % 10); }
  function group(v) { return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function human(v) {
    if (unit !== "bytes") return group(v) + " " + unit;
    if (v < 1024) return v + " B";
    var u = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"], i = 0, d = 1024;
    while (i < 5 && Math.floor(v / d) >= 1024) { d *= 1024; i++; }
    return dec(tenths(v, d)) + " " + u[i];
  }
  function share(v, of) { return of > 0 ? dec(tenths(v * 100, of)) + "%" : "0.0%"; }
  function pct(v, of) { return of > 0 ? (100 * v / of).toFixed(2) + "%" : "0.00%"; }
  // What a frame shows, as geom_frame_text() in geom.c: the label with its
  // weight and share of the whole graph (a differential graph: the change)
  // when both fit, else the fitted label.
  function frameText(i, w) {
    var px = w - 6, name = D.t[i];
    if (D.p[i] > 0 && px * 1000 / font >= 3 * minUnits) {
      var numbers = " \u00b7 " + (unit === "bytes" ? human(D.w[i]) : D.w[i] + " " + unit) + ", " + share(D.w[i], total);
      if (D.T && D.T[i]) // a differential graph: the change
        numbers = " \u00b7 " + (D.D[i] > 0 ? "+" : D.D[i] < 0 ? "\u2212" : "\u00b1") + human(Math.abs(D.D[i]));
      var a = Array.from(name), b = Array.from(numbers);
      if (sum(a, 0, a.length) * font / 1000 + sum(b, 0, b.length) * font / 1000 <= px)
        return fitLabel(name + numbers, px);
    }
    return fitLabel(name, px);
  }
  // The tooltip, as svg.c writes it for the static drawing (a differential
  // graph's frames: their OLD/NEW/delta lines, column T).
  function title(i) {
    var p = D.p[i] - 1, w = D.w[i];
    var s = D.t[i];
    if (D.T && D.T[i]) {
      s += "\n" + D.T[i];
      if (D.m[i]) s += "\n" + D.n[i] + " frames merged" + (D.m[i] === 2 ? "; click to expand" : "; not kept (over the limit of collapsed frames)");
      return s;
    }
    var ofParent = p >= 0 && D.w[p] > 0 ? ", " + pct(w, D.w[p]) + " of parent" : "";
    if (unit === "bytes")
      s += "\nretained: " + group(w) + " bytes (" + human(w) + "), " + pct(w, total) + " of all" + ofParent +
           "\nshallow: " + group(D.s[i]) + " bytes (" + human(D.s[i]) + ")";
    else
      s += "\n" + unit + ": " + group(w) + " total, " + pct(w, total) + " of all" + ofParent + "; " + group(D.s[i]) + " self";
    s += objects ? "\nown objects: " + group(D.o[i]) + "; retained objects: " + group(D.c[i]) : "\nstacks: " + group(D.c[i]);
    if (D.m[i]) s += "\n" + D.n[i] + " frames merged" + (D.m[i] === 2 ? "; click to expand" : "; not kept (over the limit of collapsed frames)");
    if (held[i]) s += held[i]; // a shared frame: every root holding it
    return s;
  }
  // The details line: the frame's weight as a share of the whole graph, of
  // its parent and of the zoomed frame; its own objects (the "×N" of the
  // label) apart from the objects retained under it.
  function describe(i) {
    var p = D.p[i] - 1, w = D.w[i];
    if (D.T && D.T[i]) return D.t[i] + ": " + D.T[i].split("\n").join("; ") + (D.m[i] === 2 ? "; click to expand" : "");
    var s = D.t[i] + ": retained " + human(w) + ", " + pct(w, total) + " of all";
    if (p >= 0) s += ", " + pct(w, D.w[p]) + " of parent";
    if (zoomed >= 0 && zoomed !== i) s += ", " + pct(w, D.w[zoomed]) + " of zoomed frame";
    if (unit === "bytes") s += "; shallow " + human(D.s[i]);
    s += objects ? "; own objects " + group(D.o[i]) + ", retained objects " + group(D.c[i]) : "; stacks " + group(D.c[i]);
    if (D.m[i] === 2) s += "; click to expand";
    return s;
  }

  function init() {
    D = JSON.parse(document.getElementById("ghf-data").textContent);
    n = D.x.length;
    ["r", "m", "n"].forEach(function (c) { // "index, value" pairs -> a column
      var col = new Float64Array(n), pairs = D[c];
      for (var j = 0; j + 1 < pairs.length; j += 2) col[pairs[j]] = pairs[j + 1];
      D[c] = col;
    });
    if (!D.o) D.o = new Float64Array(n);
    held = {};
    for (var h = 0; D.H && h + 1 < D.H.length; h += 2) held[D.H[h]] = D.H[h + 1];
    framesEl = document.getElementById("frames");
    framesEl.textContent = ""; // the static drawing: redrawn below
    noteEl = document.getElementById("narrow");
    details = document.getElementById("details");
    matchedEl = document.getElementById("matched");
    unzoomBtn = document.getElementById("unzoom");
    searchBtn = document.getElementById("search");
    icBtn = document.getElementById("ignorecase");
    box = document.getElementById("searchbox");
    input = document.getElementById("q");
    framesEl.addEventListener("click", function (e) {
      var i = frameOf(e.target);
      if (i >= 0) { zoom(i); saveState(); }
    });
    framesEl.addEventListener("mouseover", function (e) {
      var i = frameOf(e.target);
      if (i < 0) return;
      details.textContent = describe(i);
      var g = e.target.closest("g.f"), t = g.firstChild;
      if (t.__i !== i) { t.textContent = title(i); t.__i = i; }
    });
    framesEl.addEventListener("mouseout", function () { details.textContent = " "; });
    unzoomBtn.addEventListener("click", function () { zoom(-1); saveState(); });
    searchBtn.addEventListener("click", function () { openSearch(); });
    icBtn.addEventListener("click", function () {
      ignoreCase = !ignoreCase;
      icBtn.classList.toggle("on", ignoreCase);
      if (query !== null) search(query);
      saveState();
    });
    // The search box searches as you type; Enter keeps the search and
    // leaves the box, Escape clears it.
    input.addEventListener("input", function () { search(input.value === "" ? null : input.value); saveState(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); closeSearch(); }
      else if (e.key === "Escape") { e.preventDefault(); input.value = ""; search(null); saveState(); closeSearch(); }
      e.stopPropagation();
    });
    window.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && (e.key === "f" || e.key === "F")) {
        e.preventDefault();
        openSearch();
      } else if (e.key === "Escape") {
        search(null);
        saveState();
      }
    });
    if (!loadState()) draw();
  }
  function frameOf(el) {
    while (el && el !== svg) {
      if (el.__i !== undefined && el.classList.contains("f")) return el.__i;
      el = el.parentNode;
    }
    return -1;
  }

  // Zoom on frame i (-1: reset) and redraw.
  function zoom(i) {
    zoomed = i;
    unzoomBtn.classList.toggle("hide", i < 0);
    draw();
  }
  // Which merged frames are open: the zoomed frame if it is one, and every
  // merged frame whose expansion shows it. A frame is in view when it is
  // not collapsed or its merged frame is open; an open merged frame gives
  // way to its members. Ancestors of the zoomed frame span the width,
  // dimmed; frames outside its range are not drawn; of the rest, the
  // widest data-max are drawn (a note says how many narrower ones are not).
  function draw() {
    var open = new Uint8Array(n), i, q;
    for (q = zoomed; q >= 0; q = D.r[q] - 1)
      if (D.m[q] === 2) open[q] = 1;
    var zx = zoomed >= 0 ? D.x[zoomed] : 0, zw = zoomed >= 0 ? D.w[zoomed] : total;
    var zd = zoomed >= 0 ? D.d[zoomed] : 0, scale = zw > 0 ? fw / zw : 0;
    var cand = [], px = new Float64Array(n), k;
    for (i = 0; i < n; i++) {
      if ((D.r[i] > 0 && !open[D.r[i] - 1]) || open[i]) continue;
      var x = D.x[i], w = D.w[i], d = D.d[i];
      if (zoomed >= 0 && d < zd && x <= zx && x + w >= zx + zw) px[i] = -1; // dimmed ancestor
      else if (d >= zd && x >= zx && x + w <= zx + zw && w > 0) px[i] = w * scale;
      else continue;
      cand.push(i);
    }
    var left = 0, runs = [];
    if (cand.length > maxDraw) {
      // The widest maxDraw: ancestors (px -1) first, then by width, ties in
      // breadth-first order, so a drawn frame's parent is drawn too. What
      // is left gathers into runs per row.
      var ws = new Float64Array(cand.length);
      for (k = 0; k < cand.length; k++) ws[k] = px[cand[k]] < 0 ? Infinity : px[cand[k]];
      ws.sort();
      var thr = ws[cand.length - maxDraw], above = 0;
      for (k = 0; k < cand.length; k++) if (ws[k] > thr) above++;
      var atThr = maxDraw - above, chosen = [], rest = [];
      for (k = 0; k < cand.length; k++) {
        i = cand[k];
        var pw = px[i] < 0 ? Infinity : px[i];
        if (pw > thr || (pw === thr && atThr-- > 0)) chosen.push(i); else rest.push(i);
      }
      left = rest.length;
      cand = chosen;
      runs = narrowRuns(rest);
    }
    for (k = 0; k < cand.length; k++) {
      i = cand[k];
      var g = poolNode(k);
      var t = g.firstChild, rect = t.nextSibling, text = rect.nextSibling;
      var xx = px[i] < 0 ? xpad : xpad + (D.x[i] - zx) * scale, ww = px[i] < 0 ? fw : px[i];
      var y = ftop + (icicle ? D.d[i] : maxDepth - D.d[i]) * fh;
      g.__i = i;
      g.setAttribute("class", "f" + (px[i] < 0 ? " p" : "") + (hit && hit[i] ? " m" : ""));
      g.setAttribute("data-x", D.x[i]);
      g.setAttribute("data-w", D.w[i]);
      g.setAttribute("data-d", D.d[i]);
      g.setAttribute("data-i", i);
      if (D.m[i]) g.setAttribute("data-more", D.m[i]); else g.removeAttribute("data-more");
      if (D.r[i]) g.setAttribute("data-r", D.r[i] - 1); else g.removeAttribute("data-r");
      t.textContent = D.t[i]; // the full tooltip is made on hover
      t.__i = -1;
      rect.setAttribute("x", xx.toFixed(2));
      rect.setAttribute("y", y.toFixed(1));
      rect.setAttribute("width", ww.toFixed(2));
      rect.setAttribute("height", (fh - 1).toFixed(1));
      rect.setAttribute("fill", D.K[D.k[i]]);
      text.setAttribute("x", (xx + 3).toFixed(2));
      text.setAttribute("y", (y + fh - 4.5).toFixed(1));
      text.textContent = frameText(i, ww);
      if (g.parentNode !== framesEl || framesEl.children[k] !== g) framesEl.appendChild(g);
    }
    // What is not drawn still has its place: one grey bar per run of
    // adjacent undrawn frames in a row.
    for (var j = 0; j < runs.length; j++, k++) {
      var ag = poolNode(k);
      var ru = runs[j], ry = ftop + (icicle ? ru.d : maxDepth - ru.d) * fh, ar = ag.firstChild.nextSibling;
      ag.__i = undefined;
      ag.setAttribute("class", "agg");
      ["data-x", "data-w", "data-d", "data-i", "data-more", "data-r"].forEach(function (a) { ag.removeAttribute(a); });
      ag.firstChild.textContent = group(ru.n) + " narrow frames: zoom in to see them";
      ar.setAttribute("x", (xpad + (ru.x - zx) * scale).toFixed(2));
      ar.setAttribute("y", ry.toFixed(1));
      ar.setAttribute("width", Math.max(0.5, (ru.e - ru.x) * scale).toFixed(2));
      ar.setAttribute("height", (fh - 1).toFixed(1));
      ar.removeAttribute("fill");
      ar.nextSibling.textContent = "";
      if (framesEl.children[k] !== ag) framesEl.appendChild(ag);
    }
    while (framesEl.children.length > k) framesEl.removeChild(framesEl.lastChild);
    noteEl.textContent = left > 0 ? "(" + group(left) + " narrower frames not drawn: zoom in to see them)" : " ";
  }

  // The k-th drawn element: <g><title/><rect/><text/></g>, made once.
  function poolNode(k) {
    if (!pool[k]) {
      var g = document.createElementNS(SVGNS, "g");
      g.appendChild(document.createElementNS(SVGNS, "title"));
      g.appendChild(document.createElementNS(SVGNS, "rect"));
      g.appendChild(document.createElementNS(SVGNS, "text"));
      pool.push(g);
    }
    return pool[k];
  }
  // Runs of frames adjacent in the same row, {d, x, e, n}, from indices in
  // increasing order (breadth first: by row, then left to right, for the
  // shown frames), at most maxDraw of them (the widest).
  function narrowRuns(idx) {
    var runs = [], cur = {};
    for (var j = 0; j < idx.length; j++) {
      var i = idx[j], d = D.d[i], c = cur[d];
      if (c && c.e === D.x[i]) { c.e += D.w[i]; c.n++; continue; }
      cur[d] = c = {d: d, x: D.x[i], e: D.x[i] + D.w[i], n: 1};
      runs.push(c);
    }
    if (runs.length > maxDraw) runs = runs.sort(function (a, b) { return (b.e - b.x) - (a.e - a.x); }).slice(0, maxDraw);
    return runs;
  }

  function openSearch() {
    box.classList.remove("hide");
    input.value = query === null ? "" : query;
    input.focus();
    input.select();
  }
  function closeSearch() {
    box.classList.add("hide");
    input.blur();
  }
  // Highlight frames whose name matches; the share counts each byte once
  // (matched frames nested in another matched frame are not added again).
  // A match inside a collapsed group also marks the merged frame that
  // holds it, so it can be found and expanded.
  function search(re) {
    query = re;
    var rx = null, i;
    if (re !== null) {
      try { rx = new RegExp(re, ignoreCase ? "i" : ""); }
      catch (e) { matchedEl.textContent = "bad regex: " + e.message; return; }
    }
    hit = null;
    var hits = [];
    if (rx !== null) {
      hit = new Uint8Array(n);
      for (i = 0; i < n; i++) {
        if (!rx.test(D.t[i])) continue;
        hits.push(i);
        hit[i] = 1;
        for (var m = D.r[i] - 1; m >= 0 && !hit[m]; m = D.r[m] - 1) hit[m] = 1;
      }
    }
    var gs = framesEl.children;
    for (i = 0; i < gs.length; i++) gs[i].classList.toggle("m", hit !== null && hit[gs[i].__i] === 1);
    searchBtn.classList.toggle("on", rx !== null);
    if (rx === null) { matchedEl.textContent = " "; matchedEl.removeAttribute("data-matched"); return; }
    hits.sort(function (a, b) { return D.x[a] - D.x[b] || D.w[b] - D.w[a] || D.d[a] - D.d[b]; });
    // Frames nest or are disjoint (a collapsed member lies inside its merged
    // frame's range), so in (x asc, width desc) order a hit starting before
    // the end of the last counted one lies inside it.
    var s = 0, end = -1;
    for (i = 0; i < hits.length; i++) {
      var h = hits[i];
      if (D.x[h] >= end) { s += D.w[h]; end = D.x[h] + D.w[h]; }
    }
    matchedEl.textContent = "Matched: " + pct(s, total) + " (" + human(s) + ")";
    matchedEl.setAttribute("data-matched", String(s));
  }

  function saveState() {
    var p = [];
    if (zoomed >= 0) p.push("x=" + D.x[zoomed], "d=" + D.d[zoomed], "w=" + D.w[zoomed]);
    if (query !== null) p.push("s=" + encodeURIComponent(query));
    if (ignoreCase) p.push("i=1");
    try { history.replaceState(null, "", p.length ? "#" + p.join("&") : location.pathname + location.search); }
    catch (e) { /* file: URLs in some browsers */ }
  }
  function find(x, d, w) {
    for (var i = 0; i < n; i++)
      if (D.x[i] === x && D.d[i] === d && (w === undefined ? D.w[i] > 0 : D.w[i] === w)) return i;
    return -1;
  }
  // Zoom, search and ignore-case from the URL; false when nothing was drawn.
  function loadState() {
    var src = (location.search.replace(/^\?/, "") + "&" + location.hash.replace(/^#/, "")).split("&");
    var st = {}, drawn = false;
    src.forEach(function (kv) {
      var k = kv.indexOf("=");
      if (k > 0) {
        try { st[kv.slice(0, k)] = decodeURIComponent(kv.slice(k + 1)); } catch (e) { /* ignore */ }
      }
    });
    if (st.i === "1") { ignoreCase = true; icBtn.classList.add("on"); }
    if (st.s !== undefined && st.s !== "") search(st.s);
    if (st.x !== undefined && st.d !== undefined) {
      var i = find(Number(st.x), Number(st.d), st.w === undefined ? undefined : Number(st.w));
      if (i >= 0) { zoom(i); drawn = true; }
    }
    return drawn;
  }
  window.ghf = { zoom: function (x, d, w) {
    var i = find(x, d, w);
    if (i >= 0) { zoom(i); saveState(); }
    return i >= 0;
  }, reset: function () { zoom(-1); saveState(); },
     search: function (re) { search(re); saveState(); },
     frames: function () { return n; } };
  if (document.readyState === "loading") window.addEventListener("DOMContentLoaded", init);
  else init();
})();
