// flame.js — interaction for goheapflame's SVG flame graphs (embedded at
// build time). Geometry comes from integer data attributes written by
// render/svg.c: data-x / data-w (weight units), data-d (depth), data-p
// (parent's index), data-r (collapsed: index of the merged frame whose
// expansion shows it), data-more (merged frame; 2: its members follow).
// Labels are refitted with the same DejaVu Sans width table the writer
// used (svg data-cw), never by measuring text in the DOM.
"use strict";
(function () {
  var svg = document.documentElement;
  var total = Number(svg.getAttribute("data-total"));
  var xpad = Number(svg.getAttribute("data-xpad"));
  var fw = Number(svg.getAttribute("data-fw"));
  var font = Number(svg.getAttribute("data-font"));
  var cw = svg.getAttribute("data-cw").split(",").map(Number);
  var cwo = Number(svg.getAttribute("data-cwo"));
  var unitEl = document.getElementById("unit");
  var unit = unitEl ? unitEl.textContent : "bytes";
  var objects = svg.getAttribute("data-objects") === "1";
  var frames = [];
  var details, matchedEl, unzoomBtn, searchBtn, icBtn, box, input;
  var zoomed = null, query = null, ignoreCase = false;

  function units(ch) {
    var c = ch.codePointAt(0);
    return c >= 32 && c < 127 ? cw[c - 32] : cwo;
  }
  // What of `name` fits in px, as text_fit_label() in textwidth.c: the
  // package path elided element by element from the start ("…Session ×2,000"),
  // else the last element's head and "…", else nothing (< 3 characters).
  function sum(chars, a, b) { var u = 0; for (var i = a; i < b; i++) u += units(chars[i]); return u; }
  function fitLabel(name, px) {
    var limit = px <= 0 ? 0 : Math.floor(px * 1000 / font);
    var chars = Array.from(name), n = chars.length, i;
    if (sum(chars, 0, n) <= limit) return name;
    var ell = cwo, last = 0;
    for (i = 0; i < n; i++) {
      if (chars[i] !== "." && chars[i] !== "/") continue;
      last = i + 1;
      if (last < n && ell + sum(chars, last, n) <= limit && n - last >= 3)
        return "\u2026" + chars.slice(last).join("");
    }
    var used = ell, end = last;
    for (i = last; i < n; i++) {
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
  function human(v) {
    if (unit !== "bytes") return group(v) + " " + unit;
    if (v < 1024) return v + " B";
    var u = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"], i = 0, d = 1024;
    while (i < 5 && Math.floor(v / d) >= 1024) { d *= 1024; i++; }
    return dec(tenths(v, d)) + " " + u[i];
  }
  function share(v, of) { return of > 0 ? dec(tenths(v * 100, of)) + "%" : "0.0%"; }
  function pct(v, of) { return of > 0 ? (100 * v / of).toFixed(2) + "%" : "0.00%"; }
  function group(v) { return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  // What a frame shows, as geom_frame_text() in geom.c: the label with its
  // weight and share of the whole graph when both fit, else the fitted label.
  function frameText(q, w) {
    var px = w - 6;
    if (q.p >= 0) {
      var num = " \u00b7 " + (unit === "bytes" ? human(q.w) : q.w + " " + unit) + ", " + share(q.w, total);
      var a = Array.from(q.name), b = Array.from(num);
      if (sum(a, 0, a.length) * font / 1000 + sum(b, 0, b.length) * font / 1000 <= px)
        return fitLabel(q.name + num, px);
    }
    return fitLabel(q.name, px);
  }

  function init() {
    var gs = document.getElementById("frames").children;
    for (var i = 0; i < gs.length; i++) {
      var g = gs[i], title = g.firstElementChild, rect = title.nextElementSibling;
      var t = title.textContent, nl = t.indexOf("\n");
      var r = g.getAttribute("data-r"), p = g.getAttribute("data-p");
      var f = {
        i: i, g: g, rect: rect, text: rect.nextElementSibling,
        name: nl < 0 ? t : t.slice(0, nl),
        x: Number(g.getAttribute("data-x")), w: Number(g.getAttribute("data-w")),
        d: Number(g.getAttribute("data-d")), s: Number(g.getAttribute("data-s")),
        c: Number(g.getAttribute("data-c")), o: Number(g.getAttribute("data-o") || 0),
        p: p === null ? -1 : Number(p), r: r === null ? -1 : Number(r),
        more: Number(g.getAttribute("data-more") || 0), vis: r === null, lx: null
      };
      frames.push(f);
      g.__f = f;
    }
    details = document.getElementById("details");
    matchedEl = document.getElementById("matched");
    unzoomBtn = document.getElementById("unzoom");
    searchBtn = document.getElementById("search");
    icBtn = document.getElementById("ignorecase");
    box = document.getElementById("searchbox");
    input = document.getElementById("q");
    var fg = document.getElementById("frames");
    fg.addEventListener("click", function (e) {
      var f = frameOf(e.target);
      if (f) { zoom(f); saveState(); }
    });
    fg.addEventListener("mouseover", function (e) {
      var f = frameOf(e.target);
      if (f) details.textContent = describe(f);
    });
    fg.addEventListener("mouseout", function () { details.textContent = " "; });
    unzoomBtn.addEventListener("click", function () { zoom(null); saveState(); });
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
    loadState();
  }
  function frameOf(el) {
    while (el && el !== svg) {
      if (el.__f) return el.__f;
      el = el.parentNode;
    }
    return null;
  }
  // The details line: the frame's weight as a share of the whole graph, of
  // its parent and of the zoomed frame; its own objects (the "×N" of the
  // label) apart from the objects retained under it.
  function describe(f) {
    var s = f.name + ": retained " + human(f.w) + ", " + pct(f.w, total) + " of all";
    if (f.p >= 0) s += ", " + pct(f.w, frames[f.p].w) + " of parent";
    if (zoomed && zoomed !== f) s += ", " + pct(f.w, zoomed.w) + " of zoomed frame";
    if (unit === "bytes") s += "; shallow " + human(f.s);
    if (objects) {
      s += "; own objects " + group(f.o) + ", retained objects " + group(f.c);
    } else {
      s += "; stacks " + group(f.c);
    }
    if (f.more === 2) s += "; click to expand";
    return s;
  }

  // Which merged frames are open: the zoomed frame if it is one, and every
  // merged frame whose expansion shows it. A frame is drawn when it is not
  // collapsed or its merged frame is open; an open merged frame gives way
  // to its members.
  function openSet(f) {
    var open = {};
    for (var q = f; q; q = q.r >= 0 ? frames[q.r] : null)
      if (q.more === 2) open[q.i] = true;
    return open;
  }
  // Zoom on f (null: reset). Ancestors span the width, dimmed; frames
  // outside f's range are hidden; the rest are rescaled and relabelled.
  function zoom(f) {
    zoomed = f;
    var open = openSet(f);
    var zx = f ? f.x : 0, zw = f ? f.w : total, zd = f ? f.d : 0;
    var scale = zw > 0 ? fw / zw : 0;
    for (var i = 0; i < frames.length; i++) {
      var q = frames[i], x, w, dim = false;
      var vis = (q.r < 0 || open[q.r] === true) && open[q.i] !== true;
      if (vis && f && q.d < zd && q.x <= zx && q.x + q.w >= zx + zw) {
        x = xpad; w = fw; dim = true;
      } else if (vis && q.d >= zd && q.x >= zx && q.x + q.w <= zx + zw) {
        x = xpad + (q.x - zx) * scale; w = q.w * scale;
      } else {
        vis = false;
      }
      if (!vis) {
        if (q.vis) { q.g.classList.add("hide"); q.vis = false; }
        continue;
      }
      if (!q.vis) { q.g.classList.remove("hide"); q.vis = true; }
      q.g.classList.toggle("p", dim);
      var xs = x.toFixed(2);
      if (q.lx === xs + " " + w) continue; // unchanged since the last draw
      q.lx = xs + " " + w;
      q.rect.setAttribute("x", xs);
      q.rect.setAttribute("width", w.toFixed(2));
      q.text.setAttribute("x", (x + 3).toFixed(2));
      q.text.textContent = frameText(q, w);
    }
    unzoomBtn.classList.toggle("hide", !f);
    if (query !== null) search(query);
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
    var rx = null;
    if (re !== null) {
      try { rx = new RegExp(re, ignoreCase ? "i" : ""); }
      catch (e) { matchedEl.textContent = "bad regex: " + e.message; return; }
    }
    var hits = [], mark = new Uint8Array(frames.length), i, q;
    if (rx !== null) {
      for (i = 0; i < frames.length; i++) {
        q = frames[i];
        if (!rx.test(q.name)) continue;
        hits.push(q);
        mark[i] = 1;
        for (var m = q.r; m >= 0 && !mark[m]; m = frames[m].r) mark[m] = 1;
      }
    }
    for (i = 0; i < frames.length; i++) {
      q = frames[i];
      if (q.m !== (mark[i] === 1)) { q.m = mark[i] === 1; q.g.classList.toggle("m", q.m); }
    }
    searchBtn.classList.toggle("on", rx !== null);
    if (rx === null) { matchedEl.textContent = " "; matchedEl.removeAttribute("data-matched"); return; }
    hits.sort(function (a, b) { return a.x - b.x || b.w - a.w || a.d - b.d; });
    // Frames nest or are disjoint (a collapsed member lies inside its merged
    // frame's range), so in (x asc, width desc) order a hit starting before
    // the end of the last counted one lies inside it.
    var s = 0, end = -1;
    for (i = 0; i < hits.length; i++) {
      if (hits[i].x >= end) { s += hits[i].w; end = hits[i].x + hits[i].w; }
    }
    matchedEl.textContent = "Matched: " + pct(s, total) + " (" + human(s) + ")";
    matchedEl.setAttribute("data-matched", String(s));
  }

  function saveState() {
    var p = [];
    if (zoomed) p.push("x=" + zoomed.x, "d=" + zoomed.d, "w=" + zoomed.w);
    if (query !== null) p.push("s=" + encodeURIComponent(query));
    if (ignoreCase) p.push("i=1");
    try { history.replaceState(null, "", p.length ? "#" + p.join("&") : location.pathname + location.search); }
    catch (e) { /* file: URLs in some browsers */ }
  }
  function find(x, d, w) {
    for (var i = 0; i < frames.length; i++)
      if (frames[i].x === x && frames[i].d === d && (w === undefined ? frames[i].w > 0 : frames[i].w === w))
        return frames[i];
    return null;
  }
  function loadState() {
    var src = (location.search.replace(/^\?/, "") + "&" + location.hash.replace(/^#/, "")).split("&");
    var st = {};
    src.forEach(function (kv) {
      var k = kv.indexOf("=");
      if (k > 0) {
        try { st[kv.slice(0, k)] = decodeURIComponent(kv.slice(k + 1)); } catch (e) { /* ignore */ }
      }
    });
    if (st.i === "1") { ignoreCase = true; icBtn.classList.add("on"); }
    if (st.x !== undefined && st.d !== undefined) {
      var f = find(Number(st.x), Number(st.d), st.w === undefined ? undefined : Number(st.w));
      if (f) zoom(f);
    }
    if (st.s !== undefined && st.s !== "") search(st.s);
  }
  window.ghf = { zoom: function (x, d, w) {
    var f = find(x, d, w);
    if (f) { zoom(f); saveState(); }
    return f !== null;
  }, reset: function () { zoom(null); saveState(); },
     search: function (re) { search(re); saveState(); } };
  if (document.readyState === "loading") window.addEventListener("DOMContentLoaded", init);
  else init();
})();
