/*
 * The diachi map page: zones from /v1/zones, households at close zoom from
 * /v1/households, a search box, a click for the code of any point, and a
 * link that reopens the page on a code (/#32101-92P9F5C). Plain Leaflet,
 * no build step; every string is in strings.js.
 */
(function () {
  "use strict";

  var ZONE_ZOOM = 9;         /* zones drawn from this zoom on: a whole country's
                                are megabytes (10,000 zones, 4.5 MB at zoom 6) */
  var HOUSEHOLD_ZOOM = 17;   /* households drawn from this zoom on */
  var HOUSEHOLD_PAGES = 5;   /* pages of 2,000 asked for at most */
  var lang = "vi";
  try { lang = localStorage.getItem("diachi.lang") || "vi"; } catch (e) { /* private mode */ }

  function t(key) { return DC_STRINGS[lang][key] || key; }
  function $(id) { return document.getElementById(id); }

  function applyStrings() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (el) {
      el.placeholder = t(el.getAttribute("data-i18n-placeholder"));
    });
    $("lang").textContent = t("lang");
    $("lang").setAttribute("aria-label", t("lang_name"));
    if (current) showPanel(current);
  }

  /* ---- the API ---------------------------------------------------------- */

  function banner(text) {
    $("banner").textContent = text || "";
    $("banner").hidden = !text;
  }

  /* GET a JSON answer: resolves with {status, body}; a network failure or
   * a 5xx shows the outage banner. */
  function api(path) {
    return fetch(path, { headers: { Accept: "application/json" } }).then(function (r) {
      if (r.status >= 500) banner(t("api_down"));
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }, function (err) {
      banner(t("api_down"));
      throw err;
    });
  }

  function errorText(body) {
    return body && body.error ? body.error.message : t("not_found");
  }

  /* ---- the map ---------------------------------------------------------- */

  var map = L.map("map", { zoomControl: true, attributionControl: false });
  window.dcMap = map; /* for the browser tests */
  map.setView([21.39, 103.02], 14);

  var zoneLayer = L.geoJSON(null, {
    style: { color: "#0b3d91", weight: 2, fillColor: "#ffd24d", fillOpacity: 0.12 },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      /* the postcode written on each zone once a few zones fill the view */
      if (map.getZoom() >= 12)
        layer.bindTooltip(p.postcode, { permanent: true, direction: "center", className: "zone-label" });
      else
        layer.bindTooltip(p.postcode + " " + p.kind + " " + p.name, { sticky: true });
    }
  }).addTo(map);
  var householdLayer = L.layerGroup().addTo(map);
  var markLayer = L.layerGroup().addTo(map);
  var zonesAsked = null, householdsAsked = null;
  window.dcZonesDrawn = 0; /* zone answers drawn, for the tests and the bench */
  window.dcZonesDrawnAt = 0; /* when the first was, ms from the page's start */

  function boxString(b) {
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map(function (v) { return v.toFixed(6); }).join(",");
  }

  /* Zones of the view and half a view around it, asked again only when the
   * view leaves that or the zoom changes. */
  function loadZones() {
    var zoom = map.getZoom(), view = map.getBounds();
    if (zoom < ZONE_ZOOM) {
      zoneLayer.clearLayers();
      zonesAsked = null;
      return;
    }
    if (zonesAsked && zonesAsked.zoom === zoom && zonesAsked.box.contains(view)) return;
    var box = view.pad(0.5);
    zonesAsked = { zoom: zoom, box: box };
    api("/v1/zones?bbox=" + boxString(box) + "&zoom=" + zoom).then(function (r) {
      if (r.status !== 200 || zonesAsked.box !== box) return;
      zoneLayer.clearLayers();
      zoneLayer.addData(r.body);
      zoneLayer.bringToBack();
      window.dcZonesDrawn++;
      if (!window.dcZonesDrawnAt) window.dcZonesDrawnAt = performance.now();
    }, function () { zonesAsked = null; });
  }

  function householdMarker(f) {
    var c = f.geometry.coordinates, p = f.properties;
    var m = L.circleMarker([c[1], c[0]], {
      radius: 5, color: "#7a1f00", weight: 1, fillColor: "#ff6a00", fillOpacity: 0.9
    });
    m.bindTooltip(p.code);
    m.on("click", function (e) {
      L.DomEvent.stopPropagation(e);
      lookupCode(p.compact, false);
    });
    return m;
  }

  function loadHouseholds() {
    if (map.getZoom() < HOUSEHOLD_ZOOM) {
      householdLayer.clearLayers();
      householdsAsked = null;
      return;
    }
    var view = map.getBounds();
    if (householdsAsked && householdsAsked.contains(view)) return;
    var box = view.pad(0.25);
    householdsAsked = box;
    householdLayer.clearLayers();
    function page(n) {
      api("/v1/households?bbox=" + boxString(box) + "&page=" + n).then(function (r) {
        if (householdsAsked !== box) return;
        if (r.status !== 200) { householdsAsked = null; return; }
        r.body.features.forEach(function (f) { householdLayer.addLayer(householdMarker(f)); });
        if (r.body.next_page !== null && n + 1 < HOUSEHOLD_PAGES) page(n + 1);
        else if (r.body.next_page !== null) banner(t("too_many"));
      });
    }
    page(0);
  }

  map.on("moveend", function () { loadZones(); loadHouseholds(); });

  /* ---- an answer on the map and in the panel ------------------------------- */

  var current = null; /* what the panel shows: {place, zone, households, nearest, accuracy} */

  function zoneText(z) {
    if (!z) return t("outside");
    return z.postcode + " · " + [z.kind + " " + z.name, z.district, z.province]
      .filter(function (s) { return s && s.trim(); }).join(", ");
  }

  function linkOf(place) {
    return "/#" + place.compact.slice(0, 5) + "-" + place.compact.slice(5);
  }

  function showPanel(a) {
    current = a;
    var place = a.place;
    $("code").textContent = place.code || place.plus_code;
    $("spoken").textContent = place.spoken ? place.spoken[lang] : "";
    var d = $("details");
    d.textContent = "";
    function line(label, text) {
      var p = document.createElement("p");
      var b = document.createElement("b");
      b.textContent = label + ": ";
      p.appendChild(b);
      p.appendChild(document.createTextNode(text));
      d.appendChild(p);
    }
    line(t("zone"), zoneText(a.zone));
    var here = a.households.filter(function (h) { return h.code === place.code; });
    line(t("households_here"), here.length ? here.map(function (h) { return h.display_name; }).join("; ")
      : t("none_here"));
    if (a.nearest) line(t("nearest"), a.nearest.distance_m.toFixed(1) + " " + t("metres") +
      " (" + a.nearest.code + ")");
    if (a.accuracy) line(t("accuracy"), Math.round(a.accuracy) + " " + t("metres"));
    $("link").href = place.compact ? linkOf(place) : "#";
    $("link").hidden = !place.compact;
    /* The link as a QR code (GET /v1/qr), for a phone held up to the screen. */
    $("qr-box").hidden = !place.compact;
    if (place.compact) {
      var url = location.origin + linkOf(place);
      $("qr").src = "/v1/qr?text=" + encodeURIComponent(url);
      $("qr").alt = t("qr_caption") + ": " + url;
    }
    $("copy").textContent = t("copy");
    $("panel").hidden = false;
  }

  function mark(place, accuracy) {
    markLayer.clearLayers();
    var c = place.cell, at = [place.centre.lat, place.centre.lon];
    L.rectangle([[c.south, c.west], [c.north, c.east]], {
      color: "#c00000", weight: 2, fill: false
    }).addTo(markLayer);
    if (accuracy) L.circle(at, { radius: accuracy, color: "#1565c0", weight: 1 }).addTo(markLayer);
    window.dcMarker = L.marker(at, { keyboard: false }).addTo(markLayer);
  }

  function showAnswer(a, centre) {
    if (!a.place) { banner(t("outside")); return; }
    banner("");
    mark(a.place, a.accuracy);
    showPanel(a);
    if (centre) map.setView([a.place.centre.lat, a.place.centre.lon], Math.max(map.getZoom(), 18));
  }

  /* A code in any form the API reads (or a Plus Code): resolves with null
   * once shown, or with the API's message when the text is not a code. */
  function lookupCode(text, centre) {
    return api("/v1/codes/" + encodeURIComponent(text.trim())).then(function (r) {
      var b = r.body;
      if (b.error && b.error.code === "malformed_code") return b.error.message;
      if (!b.place) { banner(errorText(b)); return null; }
      showAnswer({ place: b.place, zone: b.zone, households: b.households || [] }, centre);
      if (b.error) banner(b.error.message); /* code_outside_zone: did you mean ... */
      return null;
    });
  }

  function reverse(lat, lon, accuracy, centre) {
    return api("/v1/reverse?lat=" + lat.toFixed(7) + "&lon=" + lon.toFixed(7) + "&limit=20&radius=100")
      .then(function (r) {
        var b = r.body;
        if (!b.place) { banner(errorText(b)); return; }
        showAnswer({
          place: b.place, zone: b.zone, households: b.households || [],
          nearest: (b.households || [])[0], accuracy: accuracy
        }, centre);
      });
  }

  /* An address; when nothing matches, the words of the API on the text read
   * as a code too (@p codeError), so that a mistyped code says why. */
  function searchAddress(text, codeError) {
    return api("/v1/search?q=" + encodeURIComponent(text) + "&limit=1").then(function (r) {
      var hit = r.body.results && r.body.results[0];
      if (!hit) {
        banner((r.status === 200 ? t("not_found") + ": " + text : errorText(r.body)) +
          (codeError ? " (" + t("as_code") + ": " + codeError + ")" : ""));
        return;
      }
      if (hit.household && hit.household.code) return lookupCode(hit.household.code, true);
      return reverse(hit.lat, hit.lon, 0, true);
    });
  }

  var LAT_LON = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/;

  function search(text) {
    var ll = LAT_LON.exec(text);
    if (ll) return reverse(parseFloat(ll[1]), parseFloat(ll[2]), 0, true);
    return lookupCode(text, true).then(function (codeError) {
      if (codeError) return searchAddress(text, codeError);
    });
  }

  /* ---- controls ------------------------------------------------------------ */

  $("search").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = $("q").value;
    if (q.trim()) search(q);
  });

  var completing = 0;
  $("q").addEventListener("input", function () {
    var q = $("q").value, ask = ++completing;
    if (q.trim().length < 3 || LAT_LON.test(q)) return;
    api("/v1/autocomplete?q=" + encodeURIComponent(q)).then(function (r) {
      if (ask !== completing || !r.body.results) return;
      var list = $("suggestions");
      list.textContent = "";
      r.body.results.forEach(function (s) {
        var o = document.createElement("option");
        o.value = s.display_name || s.text;
        list.appendChild(o);
      });
    });
  });

  map.on("click", function (e) { reverse(e.latlng.lat, e.latlng.lng, 0, false); });

  $("locate").addEventListener("click", function () {
    if (!navigator.geolocation) { banner(t("no_geolocation")); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      reverse(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy, true);
    }, function () { banner(t("no_geolocation")); }, { enableHighAccuracy: true, timeout: 15000 });
  });

  $("copy").addEventListener("click", function () {
    if (!current) return;
    var text = current.place.code + "\n" + location.origin + linkOf(current.place);
    var done = function () { $("copy").textContent = t("copied"); };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, function () {});
  });

  $("close").addEventListener("click", function () { $("panel").hidden = true; });

  $("lang").addEventListener("click", function () {
    lang = lang === "vi" ? "en" : "vi";
    try { localStorage.setItem("diachi.lang", lang); } catch (e) { /* private mode */ }
    applyStrings();
  });

  function openHash() {
    var code = decodeURIComponent(location.hash.slice(1));
    if (code) lookupCode(code, true);
  }
  window.addEventListener("hashchange", openHash);

  applyStrings();
  api("/static/config.json").then(function (r) {
    var c = r.body;
    if (c.tiles) L.tileLayer(c.tiles, { maxZoom: 21 }).addTo(map);
    var b = c.bounds;
    if (!location.hash && b && b[0] <= b[2])
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { animate: false });
    loadZones();
    openHash();
  }, function () { loadZones(); });
})();
