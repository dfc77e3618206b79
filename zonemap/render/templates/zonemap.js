/* zonemap page helpers. Every string from a scenario arrives as JSON data (or inside the incidents'
 * base64 block) and reaches the page through textContent or setAttribute only, never as markup.
 * A page holds one map. */
(function () {
  "use strict";

  var DAY_MS = 86400000;
  var ICON_SIZE = 28;
  var CELL_SIZE = 60; /* px: the grid in which incidents are counted into one bubble */
  var MARKER_LIMIT = 300; /* a map of at most this many incidents draws them as DOM markers (icons), like a small briefing */
  var LIST_LIMIT = 25; /* incidents listed in the popup of a bubble that cannot be zoomed into */
  var PLAY_STEPS = 100; /* a play-through moves the date window in about this many steps */
  var PLAY_INTERVAL_MS = 150;
  var SMALL_ZONE_PIXELS = 40; /* a zone narrower than this on screen (an icon and a half) is also drawn as a ring... */
  var SMALL_ZONE_RING = 20; /* ...of this radius: wider than an incident icon, so it shows around one */
  var CLUSTER_PIXELS = 22; /* incident icons (or groups) closer than this on screen are drawn as one group */
  var FIT_MARGIN = 16; /* px around the area of interest in the opening view */
  var COMPACT_WIDTH = 700; /* below this width the panels give way to buttons (the CSS media query says the same) */
  var ARRAY_TYPES = {Int32Array: Int32Array, Uint32Array: Uint32Array, Uint16Array: Uint16Array, Uint8Array: Uint8Array};

  var page = {zones: [], incidents: null};

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function safeHref(url) {
    return typeof url === "string" && /^https?:\/\/[^\s"'<>`]+$/i.test(url) ? url : null;
  }

  function link(url, label) {
    var href = safeHref(url);
    if (!href) { return element("span", null, label); }
    var a = element("a", null, label);
    a.setAttribute("href", href);
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer");
    return a;
  }

  /* A popup body: a heading, a table of [label, value] rows, an optional source link. */
  function details(info, rtl) {
    var root = element("div", "zm-popup");
    if (rtl) { root.setAttribute("dir", "rtl"); }
    root.appendChild(element("h3", null, info.title));
    if (info.subtitle) {
      var other = element("p", "zm-other-name", info.subtitle);
      other.setAttribute("dir", "auto");
      root.appendChild(other);
    }
    var table = element("table");
    (info.rows || []).forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") { return; }
      var tr = element("tr");
      tr.appendChild(element("th", null, row[0]));
      tr.appendChild(element("td", null, row[1]));
      table.appendChild(tr);
    });
    root.appendChild(table);
    if (info.link) {
      var p = element("p", "zm-source");
      p.appendChild(element("span", null, info.link.label + ": "));
      p.appendChild(link(info.link.url, info.link.text));
      root.appendChild(p);
    }
    return root;
  }

  function classToken(value) {
    return String(value).replace(/[^A-Za-z0-9_-]/g, "-");
  }

  function isoDate(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function formatCount(n) {
    return Number(n).toLocaleString("en-US");
  }

  function shortCount(n) {
    if (n < 1000) { return String(n); }
    if (n < 10000) { return (n / 1000).toFixed(1) + "k"; }
    if (n < 1000000) { return Math.round(n / 1000) + "k"; }
    return (n / 1000000).toFixed(1) + "M";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }

  function countries(group, data) {
    L.geoJSON(data, {
      interactive: false,
      style: function (feature) {
        return {
          className: "zm-country" + (feature.properties.focus ? " zm-country-focus" : ""),
          color: feature.properties.stroke, weight: feature.properties.focus ? 1.6 : 1,
          fillColor: feature.properties.fill, fillOpacity: 1
        };
      }
    }).addTo(group);
  }

  function provinces(group, data, rtl) {
    L.geoJSON(data, {
      style: function (feature) {
        var p = feature.properties;
        return {
          className: "zm-province zm-province-" + classToken(p.code) + (p.special ? " zm-special-area" : ""),
          color: p.stroke, weight: p.special ? 1.2 : 0.9, dashArray: p.special ? "3 3" : null,
          fill: true, fillOpacity: 0, opacity: 0.9
        };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var tip = element("span", null, p.name);
        if (p.note) { tip.appendChild(element("span", "zm-note", " (" + p.note + ")")); }
        if (rtl) { tip.setAttribute("dir", "rtl"); }
        layer.bindTooltip(tip, {sticky: true});
      }
    }).addTo(group);
    data.features.forEach(function (feature) {
      var p = feature.properties;
      if (!p.label) { return; }
      var text = element("span", null, p.name);
      if (rtl) { text.setAttribute("dir", "rtl"); }
      L.tooltip({permanent: true, direction: "center", className: "zm-province-label", interactive: false})
        .setLatLng([p.label[1], p.label[0]]).setContent(text).addTo(group);
    });
  }

  /* Districts or sub-districts: outlines that take no clicks (the zones under them keep theirs), and the
   * name of the unit under the pointer, in both scripts, found by testing the point against the outlines. */
  function adminUnits(group, data, rtl) {
    L.geoJSON(data, {
      interactive: false,
      style: function () {
        return {className: "zm-admin-unit", color: "#7a7a7a", weight: 0.6, dashArray: "2 3", fill: false, opacity: 0.9};
      }
    }).addTo(group);
    var units = data.features.map(function (feature) {
      var rings = [], geometry = feature.geometry;
      (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates).forEach(function (polygon) {
        polygon.forEach(function (ring) { rings.push(ring); });
      });
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      rings.forEach(function (ring) {
        ring.forEach(function (c) {
          box = [Math.min(box[0], c[0]), Math.min(box[1], c[1]), Math.max(box[2], c[0]), Math.max(box[3], c[1])];
        });
      });
      return {rings: rings, box: box, properties: feature.properties};
    });
    function inside(rings, x, y) {  /* even-odd rule over every ring: holes count out */
      var hit = false;
      rings.forEach(function (ring) {
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          var a = ring[i], b = ring[j];
          if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) { hit = !hit; }
        }
      });
      return hit;
    }
    var tip = L.tooltip({direction: "top", offset: [0, -8], className: "zm-admin-tip"});
    var map = null, shown = null;
    function move(event) {
      var x = event.latlng.lng, y = event.latlng.lat, found = null;
      for (var k = 0; k < units.length && !found; k++) {
        var u = units[k];
        if (x >= u.box[0] && x <= u.box[2] && y >= u.box[1] && y <= u.box[3] && inside(u.rings, x, y)) { found = u; }
      }
      if (!found) {
        if (shown) { map.closeTooltip(tip); shown = null; }
        return;
      }
      if (found !== shown) {
        var p = found.properties, text = element("span", null, fill(p.level, {name: p.name}));
        if (p.other) { text.appendChild(element("span", "zm-note", " \u2014 " + p.other)); }
        if (rtl) { text.setAttribute("dir", "rtl"); }
        tip.setContent(text);
        shown = found;
      }
      tip.setLatLng(event.latlng);
      if (!map.hasLayer(tip)) { map.openTooltip(tip); }
    }
    group.on("add", function () { map = group._map; map.on("mousemove", move); });
    group.on("remove", function () {
      map.off("mousemove", move);
      map.closeTooltip(tip);
      shown = null;
    });
  }

  /* ---- Zones, and how they stood on a day ---- */

  /* A zone on `day`: its status (the last change of its history on or before the day, the first one
   * before any) and whether it existed then (within its validity, and not before its first change).
   * The same rule as zonemap.Zone.status_on and in_effect_on. */
  function zoneState(info, day) {
    var history = info.history, status = history.length ? history[0][1] : info.status;
    for (var i = 0; i < history.length && history[i][0] <= day; i++) { status = history[i][1]; }
    var present = !(info.from !== null && day < info.from) && !(info.to !== null && day > info.to) &&
      !(history.length && day < history[0][0]);
    return {status: status, present: present};
  }

  /* The zone popup's rows, with the status and counts of the dates chosen (rows carry a key third). */
  function zonePopup(entry) {
    var rows = entry.info.popup.rows.map(function (row) {
      if (row[2] === "status") { return [row[0], entry.statusText]; }
      if (row[2] === "incidents" && entry.counts) { return [row[0], formatCount(entry.counts[0])]; }
      if (row[2] === "fatalities" && entry.counts) { return [row[0], formatCount(entry.counts[1])]; }
      return row;
    });
    return {title: entry.info.popup.title, subtitle: entry.info.popup.subtitle, rows: rows};
  }

  /* The fill of a zone: its colour, or (with a hatch or dot pattern) the page's SVG pattern in that colour. */
  function patternFill(pattern, colour) {
    return pattern === "solid" ? colour : "url(#zm-pattern-" + pattern + "-" + colour.slice(1).toLowerCase() + ")";
  }

  function patternOpacity(pattern, fillOpacity) {
    return pattern === "solid" ? fillOpacity : 1; /* the pattern carries its own transparency */
  }

  function zone(group, feature, info, rtl) {
    var entry = {info: info, statusText: info.statusLabel, present: true, counts: null, layer: null, ring: null, label: null,
                 group: group};
    function popup() { return details(zonePopup(entry), rtl); }
    entry.layer = L.geoJSON(feature, {
      style: function () {
        return {
          className: "zm-zone zm-zone-" + classToken(info.id) + " zm-pattern-" + info.pattern + (info.approximate ? " zm-approximate" : ""),
          color: info.colour, weight: 2.5, opacity: 0.95, fillColor: info.fill,
          fillOpacity: patternOpacity(info.pattern, info.fillOpacity), dashArray: info.approximate ? info.dash : null
        };
      },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(element("span", null, info.name), {sticky: true});
        layer.bindPopup(popup, {maxWidth: 340});
      }
    }).addTo(group);
    /* A zone too small to see at the map's zoom is ringed at its label point, wide enough to show around an
     * incident icon drawn on it; the ring opens the zone's popup like the outline does. */
    entry.ring = L.circleMarker([info.label[1], info.label[0]], {
      radius: SMALL_ZONE_RING, className: "zm-zone-ring zm-zone-ring-" + classToken(info.id), color: info.colour,
      weight: 3, opacity: 0.95, fill: false, dashArray: info.approximate ? "4 3" : null
    });
    entry.ring.bindTooltip(element("span", null, info.name), {sticky: true});
    entry.ring.bindPopup(popup, {maxWidth: 340});
    var text = element("span", null, info.name);
    if (rtl) { text.setAttribute("dir", "rtl"); }
    entry.label = L.tooltip({permanent: true, direction: "center", interactive: false,
                             className: "zm-zone-label zm-zone-label-" + classToken(info.id)})
      .setLatLng([info.label[1], info.label[0]]).setContent(text);
    group.addLayer(entry.label);
    /* A zone hidden and shown again from the layer control gets new outline elements. */
    entry.layer.on("add", function () { markPresence(entry); });
    page.zones.push(entry);
  }

  /* Show the ring of a zone whose outline spans fewer than SMALL_ZONE_PIXELS on screen. */
  function sizeRing(entry) {
    var map = entry.group._map;
    if (!map) { return; }
    var bounds = entry.layer.getBounds(), zoom = map.getZoom();
    var a = map.project(bounds.getSouthWest(), zoom), b = map.project(bounds.getNorthEast(), zoom);
    var small = Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y)) < SMALL_ZONE_PIXELS;
    if (small && !entry.group.hasLayer(entry.ring)) { entry.group.addLayer(entry.ring); }
    if (!small && entry.group.hasLayer(entry.ring)) { entry.group.removeLayer(entry.ring); }
  }

  function markPresence(entry) {
    entry.layer.eachLayer(function (path) {
      var node = path.getElement && path.getElement();
      if (node) { node.classList.toggle("zm-zone-inactive", !entry.present); }
    });
  }

  /* ---- Incident data: typed arrays from one base64 block ---- */

  function base64Bytes(text) {
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  /* Calls back with the block's bytes: at once when stored plain, after inflating when deflated. */
  function withBlock(payload, done, failed) {
    var bytes = base64Bytes(payload.data);
    if (!payload.deflate) { done(bytes); return; }
    if (!window.DecompressionStream) {
      failed(new Error("this browser cannot unpack the incidents (it has no DecompressionStream)"));
      return;
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    new Response(stream).arrayBuffer().then(function (buffer) { done(new Uint8Array(buffer)); }, failed);
  }

  function readColumns(payload, bytes) {
    var data = {};
    Object.keys(payload.arrays).forEach(function (name) {
      var spec = payload.arrays[name];
      data[name] = new ARRAY_TYPES[spec[0]](bytes.buffer, bytes.byteOffset + spec[1], spec[2]);
    });
    data.texts = JSON.parse(new TextDecoder().decode(bytes.subarray(payload.texts[0], payload.texts[0] + payload.texts[1])));
    data.count = data.day.length;
    data.lat = new Int32Array(data.count);
    data.lon = new Int32Array(data.count);
    /* Web Mercator in world units (0..1), as Leaflet projects: pixel = unit * 256 * 2^zoom. */
    data.x = new Float64Array(data.count);
    data.y = new Float64Array(data.count);
    var limit = 85.0511287798, scale = payload.scale;
    for (var row = 0; row < data.count; row++) {
      data.lat[row] = data.siteLat[data.site[row]];
      data.lon[row] = data.siteLon[data.site[row]];
      var lat = Math.max(-limit, Math.min(limit, data.lat[row] / scale)) * Math.PI / 180;
      data.x[row] = data.lon[row] / scale / 360 + 0.5;
      data.y[row] = 0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI);
    }
    return data;
  }

  /* First row whose day is >= `day` (rows are sorted by day). */
  function firstRowFrom(days, day) {
    var lo = 0, hi = days.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (days[mid] < day) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  /* ---- The incident layer: DOM icons for a few incidents, a canvas with count bubbles for many ---- */

  var IncidentLayer = L.Layer.extend({
    initialize: function (payload, options) {
      this._payload = payload;
      this._options = options;
      this._data = null;
      this._error = null;
      this._view = null; /* {start, end, enabled} */
      this._markers = {};
      this._markerGroup = L.layerGroup();
      this._hits = [];
      this._frame = null;
      this._glyphs = {};
      this._tooltip = L.tooltip({direction: "top", offset: [0, -12]});
      this._waiting = [];
      this._onClick = this._onClick.bind(this);
      this._onHover = this._onHover.bind(this);
    },

    /* Calls back once the data are decoded (at once if they already are). */
    whenReady: function (callback) {
      if (this._data || this._error) { callback(this); } else { this._waiting.push(callback); }
    },

    load: function () {
      var self = this;
      function finish() { self._waiting.splice(0).forEach(function (callback) { callback(self); }); }
      withBlock(this._payload, function (bytes) {
        self._data = readColumns(self._payload, bytes);
        self._redraw();
        finish();
      }, function (error) {
        self._error = error;
        if (window.console) { window.console.error("zonemap: " + error.message); }
        finish();
      });
    },

    setView: function (view) {
      this._view = view;
      this._redraw();
    },

    /* The figures of the panel: incidents shown (in the date window, of a type turned on) in all and per zone. */
    counts: function (zoneCount) {
      var data = this._data, view = this._view;
      var zones = new Float64Array(zoneCount * 2), shown = 0;
      if (!data || !view) { return {shown: 0, total: 0, zones: zones}; }
      var lo = firstRowFrom(data.day, view.start), hi = firstRowFrom(data.day, view.end + 1);
      for (var i = lo; i < hi; i++) { if (view.enabled[data.type[i]]) { shown++; } }
      var linkZone = data.linkZone, linkIncident = data.linkIncident;
      for (var k = 0; k < linkIncident.length; k++) {
        var row = linkIncident[k];
        if (row < lo || row >= hi || !view.enabled[data.type[row]]) { continue; }
        zones[linkZone[k] * 2] += 1;
        zones[linkZone[k] * 2 + 1] += Math.max(0, data.fatalities[row]);
      }
      return {shown: shown, total: data.count, zones: zones};
    },

    error: function () { return this._error; },

    getEvents: function () {
      var events = {viewreset: this._reset, moveend: this._reset, resize: this._reset};
      if (this._map._zoomAnimated) { events.zoomanim = this._animateZoom; }
      return events;
    },

    onAdd: function (map) {
      var pane = map.getPane("zmIncidents") || map.createPane("zmIncidents");
      pane.style.zIndex = 450;
      this._canvas = L.DomUtil.create("canvas", "zm-incident-canvas leaflet-zoom-" + (map._zoomAnimated ? "animated" : "hide"), pane);
      this._markerGroup.addTo(map);
      /* Capture: an incident drawn over a zone gets the click before the zone's outline does. */
      map.getContainer().addEventListener("click", this._onClick, true);
      map.getContainer().addEventListener("mousemove", this._onHover, true);
      this._reset();
    },

    onRemove: function (map) {
      map.getContainer().removeEventListener("click", this._onClick, true);
      map.getContainer().removeEventListener("mousemove", this._onHover, true);
      L.DomUtil.remove(this._canvas);
      map.removeLayer(this._markerGroup);
      this._tooltip.remove();
      this._hits = [];
    },

    _reset: function () {
      var map = this._map;
      if (!map) { return; }
      var size = map.getSize(), ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
      this._canvas.width = Math.round(size.x * ratio);
      this._canvas.height = Math.round(size.y * ratio);
      this._canvas.style.width = size.x + "px";
      this._canvas.style.height = size.y + "px";
      this._corner = map.containerPointToLatLng([0, 0]);
      this._drawnZoom = map.getZoom();
      this._draw();
    },

    _animateZoom: function (event) {
      var map = this._map, scale = map.getZoomScale(event.zoom, this._drawnZoom);
      L.DomUtil.setTransform(this._canvas, map._latLngToNewLayerPoint(this._corner, event.zoom, event.center), scale);
    },

    _redraw: function () {
      var self = this;
      if (!this._map || this._frame !== null) { return; }
      this._frame = L.Util.requestAnimFrame(function () { self._frame = null; self._draw(); });
    },

    /* Rows passing the filters, into `this._inView`: all of them (for markers), or those within the
     * view plus an icon's margin (for the canvas). */
    _collect: function (origin, scale, size, everywhere) {
      var data = this._data, view = this._view, margin = ICON_SIZE;
      if (!this._inView || this._inView.length < data.count) { this._inView = new Int32Array(data.count); }
      var inView = this._inView, found = 0;
      var lo = firstRowFrom(data.day, view.start), hi = firstRowFrom(data.day, view.end + 1);
      var left = origin.x - margin, right = origin.x + size.x + margin, top = origin.y - margin, bottom = origin.y + size.y + margin;
      for (var i = lo; i < hi; i++) {
        if (!view.enabled[data.type[i]]) { continue; }
        if (!everywhere) {
          var x = data.x[i] * scale, y = data.y[i] * scale;
          if (x < left || x > right || y < top || y > bottom) { continue; }
        }
        inView[found++] = i;
      }
      return found;
    },

    _draw: function () {
      var map = this._map, canvas = this._canvas;
      if (!map || !canvas) { return; }
      var context = canvas.getContext("2d"), ratio = canvas.width / Math.max(1, map.getSize().x);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      this._hits = [];
      if (!this._data || !this._view) { return; }
      var size = map.getSize(), origin = map.getPixelBounds().min, scale = map.options.crs.scale(map.getZoom());
      if (this._data.count <= MARKER_LIMIT) {
        this._showMarkers(this._collect(origin, scale, size, true));
      } else {
        this._drawCells(context, this._collect(origin, scale, size, false), origin, scale, size);
      }
    },

    /* One icon per incident; incidents at one place, or whose icons would overlap at this zoom, as one group. */
    _showMarkers: function (found) {
      var wanted = {}, group = this._markerGroup, markers = this._markers, self = this;
      this._groups(found).forEach(function (cluster) {
        var key = (cluster.rows.length === 1 ? "r" : "g") + cluster.rows.join(",");
        wanted[key] = cluster;
      });
      Object.keys(markers).forEach(function (key) {
        if (!wanted[key]) { group.removeLayer(markers[key]); delete markers[key]; }
      });
      Object.keys(wanted).forEach(function (key) {
        if (markers[key]) { return; }
        var cluster = wanted[key];
        markers[key] = (cluster.rows.length === 1 ? self._marker(cluster.rows[0]) : self._groupMarker(cluster)).addTo(group);
      });
    },

    /* The rows in `this._inView` grouped by place, and places whose icons would overlap on screen merged
     * (busiest first): [{rows, sites, latlngs, point}]. */
    _groups: function (found) {
      var data = this._data, map = this._map, scale = this._payload.scale, zoom = map.getZoom();
      var bySite = {}, sites = [];
      for (var k = 0; k < found; k++) {
        var row = this._inView[k], site = data.site[row];
        if (!bySite[site]) {
          var latlng = L.latLng(data.siteLat[site] / scale, data.siteLon[site] / scale);
          bySite[site] = {rows: [], latlng: latlng, point: map.project(latlng, zoom)};
          sites.push(bySite[site]);
        }
        bySite[site].rows.push(row);
      }
      sites.sort(function (a, b) { return b.rows.length - a.rows.length || a.rows[0] - b.rows[0]; });
      var clusters = [];
      sites.forEach(function (site) {
        for (var c = 0; c < clusters.length; c++) {
          if (clusters[c].point.distanceTo(site.point) < CLUSTER_PIXELS) {
            clusters[c].rows = clusters[c].rows.concat(site.rows);
            clusters[c].latlngs.push(site.latlng);
            return;
          }
        }
        clusters.push({rows: site.rows.slice(), latlngs: [site.latlng], point: site.point});
      });
      clusters.forEach(function (cluster) { cluster.rows.sort(function (a, b) { return a - b; }); });
      return clusters;
    },

    /* A group: a disc with the count, ringed with the shares of each type; a click lists the incidents when
     * they are at one place (or the map cannot zoom further), and zooms in to tell them apart otherwise. */
    _groupMarker: function (cluster) {
      var data = this._data, options = this._options, self = this, shares = {}, stops = [], turned = 0;
      cluster.rows.forEach(function (row) { shares[data.type[row]] = (shares[data.type[row]] || 0) + 1; });
      Object.keys(shares).sort(function (a, b) { return a - b; }).forEach(function (type) {
        var sweep = 360 * shares[type] / cluster.rows.length;
        stops.push(options.icons[options.types[type]].colour + " " + turned.toFixed(1) + "deg " + (turned + sweep).toFixed(1) + "deg");
        turned += sweep;
      });
      var disc = element("div", "zm-group-disc");
      disc.style.background = "conic-gradient(" + stops.join(", ") + ")";
      disc.appendChild(element("span", "zm-group-count", shortCount(cluster.rows.length)));
      var position = cluster.latlngs.length === 1 ? cluster.latlngs[0] : L.latLngBounds(cluster.latlngs).getCenter();
      var marker = L.marker(position, {
        icon: L.divIcon({html: disc, className: "zm-incident zm-incident-group", iconSize: [ICON_SIZE + 4, ICON_SIZE + 4],
                         iconAnchor: [ICON_SIZE / 2 + 2, ICON_SIZE / 2 + 2], tooltipAnchor: [14, 0]}),
        keyboard: true, riseOnHover: true, zIndexOffset: 100
      });
      marker.bindTooltip(element("span", null, fill(options.fields.here, {count: formatCount(cluster.rows.length)})));
      marker.on("click", function () {
        var map = self._map;
        if (cluster.latlngs.length > 1 && map.getZoom() < map.getMaxZoom()) {
          map.fitBounds(L.latLngBounds(cluster.latlngs), {padding: [CELL_SIZE, CELL_SIZE], maxZoom: map.getMaxZoom()});
        } else {
          self._openRows(cluster.rows, position);
        }
      });
      return marker;
    },

    _marker: function (row) {
      var data = this._data, options = this._options, self = this;
      var icon = options.icons[options.types[data.type[row]]];
      var marker = L.marker([data.lat[row] / this._payload.scale, data.lon[row] / this._payload.scale], {
        icon: L.divIcon({
          html: icon.svg, className: "zm-incident " + icon.className + " zm-incident-" + classToken(data.texts.id[row]),
          iconSize: [ICON_SIZE, ICON_SIZE], iconAnchor: [ICON_SIZE / 2, ICON_SIZE / 2], popupAnchor: [0, -12], tooltipAnchor: [12, 0]
        }),
        keyboard: true, riseOnHover: true
      });
      marker.bindTooltip(element("span", null, this._title(row)));
      marker.bindPopup(function () { return details(self._popup(row), options.rtl); }, {maxWidth: 340});
      return marker;
    },

    /* Aggregate the rows in view into a grid fixed to the world (so panning does not regroup them):
     * a cell with one incident shows its icon, a cell with more a bubble with the count, ringed by type. */
    _drawCells: function (context, found, origin, scale, size) {
      var data = this._data, types = this._options.types.length;
      var firstColumn = Math.floor((origin.x - ICON_SIZE) / CELL_SIZE), firstRow = Math.floor((origin.y - ICON_SIZE) / CELL_SIZE);
      var columns = Math.floor((origin.x + size.x + ICON_SIZE) / CELL_SIZE) - firstColumn + 1;
      var cellCount = columns * (Math.floor((origin.y + size.y + ICON_SIZE) / CELL_SIZE) - firstRow + 1);
      var count = new Int32Array(cellCount), first = new Int32Array(cellCount), byType = new Int32Array(cellCount * types);
      var sumX = new Float64Array(cellCount), sumY = new Float64Array(cellCount);
      var minX = new Float64Array(cellCount).fill(Infinity), minY = new Float64Array(cellCount).fill(Infinity);
      var maxX = new Float64Array(cellCount).fill(-Infinity), maxY = new Float64Array(cellCount).fill(-Infinity);
      for (var k = 0; k < found; k++) {
        var row = this._inView[k], x = data.x[row] * scale - origin.x, y = data.y[row] * scale - origin.y;
        var cell = (Math.floor((y + origin.y) / CELL_SIZE) - firstRow) * columns + Math.floor((x + origin.x) / CELL_SIZE) - firstColumn;
        if (count[cell]++ === 0) { first[cell] = row; }
        byType[cell * types + data.type[row]]++;
        sumX[cell] += x; sumY[cell] += y;
        if (x < minX[cell]) { minX[cell] = x; }
        if (x > maxX[cell]) { maxX[cell] = x; }
        if (y < minY[cell]) { minY[cell] = y; }
        if (y > maxY[cell]) { maxY[cell] = y; }
      }
      for (var c = 0; c < cellCount; c++) {
        if (count[c] === 0) { continue; }
        if (count[c] === 1) {
          var single = first[c];
          this._drawIcon(context, data.type[single], minX[c], minY[c]);
          this._hits.push({x: minX[c], y: minY[c], r: ICON_SIZE / 2, row: single});
        } else {
          var cx = sumX[c] / count[c], cy = sumY[c] / count[c];
          var radius = this._drawBubble(context, cx, cy, count[c], byType.subarray(c * types, (c + 1) * types));
          this._hits.push({x: cx, y: cy, r: radius, row: -1, count: count[c], cell: c,
                           box: [minX[c], minY[c], maxX[c], maxY[c]],
                           grid: {firstColumn: firstColumn, firstRow: firstRow, columns: columns}});
        }
      }
    },

    _glyph: function (kind) {
      if (!this._glyphs[kind]) { this._glyphs[kind] = new Path2D(this._options.icons[kind].glyph); }
      return this._glyphs[kind];
    },

    /* The marker icon (zonemap.render.style.incident_icon_svg) drawn on the canvas. */
    _drawIcon: function (context, type, x, y) {
      var kind = this._options.types[type], icon = this._options.icons[kind], half = ICON_SIZE / 2;
      context.save();
      context.translate(x - half, y - half);
      context.shadowColor = "rgba(0, 0, 0, 0.4)";
      context.shadowBlur = 1;
      context.shadowOffsetY = 1;
      context.beginPath();
      context.arc(half, half, 12.5, 0, 2 * Math.PI);
      context.fillStyle = icon.colour;
      context.fill();
      context.shadowColor = "transparent";
      context.lineWidth = 2;
      context.strokeStyle = "#ffffff";
      context.stroke();
      context.translate(2, 2);
      context.fillStyle = "#ffffff";
      context.fill(this._glyph(kind));
      context.restore();
    },

    _drawBubble: function (context, x, y, count, byType) {
      var options = this._options, radius = Math.min(28, 11 + 3 * Math.log(count) / Math.LN10), ring = 5;
      var angle = -Math.PI / 2;
      context.save();
      context.shadowColor = "rgba(0, 0, 0, 0.35)";
      context.shadowBlur = 2;
      context.shadowOffsetY = 1;
      context.beginPath();
      context.arc(x, y, radius, 0, 2 * Math.PI);
      context.fillStyle = "#ffffff";
      context.fill();
      context.shadowColor = "transparent";
      for (var t = 0; t < byType.length; t++) {
        if (!byType[t]) { continue; }
        var sweep = 2 * Math.PI * byType[t] / count;
        context.beginPath();
        context.arc(x, y, radius - ring / 2, angle, angle + sweep);
        context.lineWidth = ring;
        context.strokeStyle = options.icons[options.types[t]].colour;
        context.stroke();
        angle += sweep;
      }
      context.fillStyle = "#222222";
      context.font = "bold 11px system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'DejaVu Sans', Arial, sans-serif";
      context.textAlign = "center";
      context.textBaseline = "middle";
      context.fillText(shortCount(count), x, y + 0.5);
      context.restore();
      return radius;
    },

    _hitAt: function (point) {
      for (var k = this._hits.length - 1; k >= 0; k--) {
        var hit = this._hits[k], dx = point.x - hit.x, dy = point.y - hit.y;
        if (dx * dx + dy * dy <= hit.r * hit.r) { return hit; }
      }
      return null;
    },

    _eventHit: function (event) {
      if (!this._hits.length || !this._map) { return null; }
      var target = event.target;
      if (target && target.closest && target.closest(".leaflet-control, .leaflet-popup")) { return null; }
      return this._hitAt(this._map.mouseEventToContainerPoint(event));
    },

    _onClick: function (event) {
      var map = this._map, hit = this._eventHit(event);
      if (!hit || (map.dragging && map.dragging.moved())) { return; }
      event.stopPropagation();
      this._tooltip.remove();
      if (hit.row >= 0) {
        this._openPopup(hit.row);
        return;
      }
      var box = hit.box, spread = Math.max(box[2] - box[0], box[3] - box[1]);
      if (map.getZoom() < map.getMaxZoom() && spread > 2) {
        map.fitBounds(L.latLngBounds(map.containerPointToLatLng([box[0], box[1]]), map.containerPointToLatLng([box[2], box[3]])),
                      {padding: [CELL_SIZE, CELL_SIZE], maxZoom: map.getMaxZoom()});
      } else {
        this._openList(hit);
      }
    },

    _onHover: function (event) {
      var hit = this._eventHit(event), map = this._map;
      if (!map) { return; }
      map.getContainer().classList.toggle("zm-over-incident", !!hit);
      if (!hit) { this._tooltip.remove(); return; }
      event.stopPropagation();
      var text = hit.row >= 0 ? this._title(hit.row) : fill(this._options.fields.here, {count: formatCount(hit.count)});
      this._tooltip.setLatLng(map.containerPointToLatLng([hit.x, hit.y])).setContent(element("span", null, text));
      if (!map.hasLayer(this._tooltip)) { this._tooltip.addTo(map); }
    },

    _title: function (row) {
      var data = this._data;
      return this._options.typeLabels[data.type[row]] + ": " + data.texts.label[data.site[row]];
    },

    /* The popup of one incident, as the page has always shown it. */
    _popup: function (row) {
      var data = this._data, texts = data.texts, fields = this._options.fields;
      var fatalities = data.fatalities[row], outlet = texts.outlet[data.source[row]], sourceDay = data.sourceDay[row];
      return {
        title: this._title(row),
        rows: [
          [fields.date, isoDate(data.day[row])],
          [fields.place, texts.place[data.site[row]]],
          [fields.other_script, texts.other[data.site[row]]],
          [fields.type, this._options.typeLabels[data.type[row]]],
          [fields.fatalities, fatalities < 0 ? null : String(fatalities)],
          [fields.actors, texts.actors[data.actors[row]]],
          [fields.in_zone, texts.zones[data.zones[row]]],
          ["", texts.description[data.description[row]]]
        ],
        link: outlet ? {label: fields.source, url: texts.url[data.source[row]] || null,
                        text: outlet + (sourceDay >= 0 ? " (" + isoDate(sourceDay) + ")" : "")} : null
      };
    },

    _openPopup: function (row) {
      var latlng = [this._data.lat[row] / this._payload.scale, this._data.lon[row] / this._payload.scale];
      L.popup({maxWidth: 340, offset: [0, -12]}).setLatLng(latlng)
        .setContent(details(this._popup(row), this._options.rtl)).openOn(this._map);
    },

    /* A bubble of incidents at (nearly) one spot: list them; each entry opens its details. */
    _openList: function (hit) {
      var data = this._data, map = this._map, grid = hit.grid;
      var origin = map.getPixelBounds().min, scale = map.options.crs.scale(map.getZoom());
      var found = this._collect(origin, scale, map.getSize(), false), rows = [];
      for (var k = 0; k < found; k++) {
        var row = this._inView[k];
        var cell = (Math.floor(data.y[row] * scale / CELL_SIZE) - grid.firstRow) * grid.columns +
          Math.floor(data.x[row] * scale / CELL_SIZE) - grid.firstColumn;
        if (cell === hit.cell) { rows.push(row); }
      }
      this._openRows(rows, map.containerPointToLatLng([hit.x, hit.y]));
    },

    /* A popup listing incidents (date and title); each entry opens its details. */
    _openRows: function (rows, latlng) {
      var data = this._data, map = this._map, self = this;
      var fields = this._options.fields, root = element("div", "zm-popup zm-list");
      if (this._options.rtl) { root.setAttribute("dir", "rtl"); }
      root.appendChild(element("h3", null, fill(fields.here, {count: formatCount(rows.length)})));
      var list = element("ul");
      var popup = L.popup({maxWidth: 340});
      rows.slice(0, LIST_LIMIT).forEach(function (row) {
        var item = element("li"), button = element("button", "zm-list-item", isoDate(data.day[row]) + " · " + self._title(row));
        button.setAttribute("type", "button");
        L.DomEvent.on(button, "click", function (event) {
          /* The button leaves the page with the old content: the map would take the click for its own and close the popup. */
          L.DomEvent.stopPropagation(event);
          popup.setContent(details(self._popup(row), self._options.rtl));
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      root.appendChild(list);
      if (rows.length > LIST_LIMIT) { root.appendChild(element("p", null, fill(fields.more, {count: formatCount(rows.length - LIST_LIMIT)}))); }
      popup.setLatLng(latlng).setContent(root).openOn(map);
    }
  });

  function incidents(group, payload, options) {
    var layer = new IncidentLayer(payload, options);
    page.incidents = layer;
    layer.addTo(group);
    layer.load();
  }

  /* ---- Dates and types: the slider, the type toggles, and what they change ---- */

  /* How a zone looks in a given state: by status colour, or (when zones have sides) in its side's colour
   * with the status's fill pattern (zonemap.render.style.zone_looks). */
  function zoneStyle(entry, state, config) {
    var info = entry.info, style = config.statuses[state.status], fade = state.present ? 1 : config.fade;
    var colour = config.bySide ? info.colour : style.colour, pattern = config.bySide ? style.pattern : "solid";
    return {
      color: colour, fillColor: patternFill(pattern, colour), opacity: 0.95 * fade,
      fillOpacity: patternOpacity(pattern, style.fillOpacity) * fade,
      dashArray: !state.present ? config.absentDash : info.approximate ? info.dash : null
    };
  }

  function summaryRows() {
    var rows = {};
    Array.prototype.forEach.call(document.querySelectorAll("tr[data-zm-zone]"), function (tr) {
      rows[tr.getAttribute("data-zm-zone")] = tr;
    });
    return rows;
  }

  function setCell(row, className, text) {
    var cell = row && row.querySelector("." + className);
    if (cell) { cell.textContent = text; }
  }

  function timeControl(map, config, view, changed) {
    var labels = config.labels, span = config.domain[1] - config.domain[0];
    var container = L.DomUtil.create("div", "zm-panel zm-time");
    container.setAttribute("role", "group");
    container.setAttribute("aria-label", labels.dates);
    if (config.rtl) { container.setAttribute("dir", "rtl"); }
    var top = L.DomUtil.create("div", "zm-time-row", container);
    var play = L.DomUtil.create("button", "zm-play", top);
    play.setAttribute("type", "button");
    var dates = L.DomUtil.create("span", "zm-dates", top);
    dates.setAttribute("dir", "ltr");
    var range = L.DomUtil.create("div", "zm-range", container);
    function slider(className, label, value) {
      var input = L.DomUtil.create("input", className, range);
      input.setAttribute("type", "range");
      input.setAttribute("min", "0");
      input.setAttribute("max", String(span));
      input.setAttribute("step", "1");
      input.setAttribute("aria-label", label);
      input.value = String(value);
      return input;
    }
    var from = slider("zm-from", labels.from, view.start - config.domain[0]);
    var to = slider("zm-to", labels.to, view.end - config.domain[0]);
    var count = L.DomUtil.create("div", "zm-count", container);
    count.setAttribute("aria-live", "polite");
    var timer = null;

    function apply() {
      view.start = config.domain[0] + Number(from.value);
      view.end = config.domain[0] + Number(to.value);
      dates.textContent = isoDate(view.start) + " – " + isoDate(view.end);
      changed();
    }
    function setPlaying(playing) {
      play.textContent = playing ? "❚❚" : "▶";
      play.setAttribute("aria-label", playing ? labels.pause : labels.play);
      play.setAttribute("title", playing ? labels.pause : labels.play);
    }
    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      setPlaying(false);
    }
    from.addEventListener("input", function () {
      stop();
      if (Number(from.value) > Number(to.value)) { to.value = from.value; }
      apply();
    });
    to.addEventListener("input", function () {
      stop();
      if (Number(to.value) < Number(from.value)) { from.value = to.value; }
      apply();
    });
    /* Play moves the window, keeping its width, from where it is (or from the start, a tenth of
     * the dates wide, when it spans them all) to the last day. */
    play.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      var width = Number(to.value) - Number(from.value);
      if (width >= span || Number(to.value) >= span) {
        width = Math.max(1, Math.round(span / 10));
        from.value = "0";
        to.value = String(width);
      }
      var step = Math.max(1, Math.round(span / PLAY_STEPS));
      setPlaying(true);
      apply();
      timer = setInterval(function () {
        var end = Math.min(span, Number(to.value) + step);
        to.value = String(end);
        from.value = String(Math.max(0, end - width));
        apply();
        if (end >= span) { stop(); }
      }, PLAY_INTERVAL_MS);
    });
    setPlaying(false);
    dates.textContent = isoDate(view.start) + " – " + isoDate(view.end);
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
    var Control = L.Control.extend({options: {position: "bottomright"}, onAdd: function () { return container; }});
    new Control().addTo(map);
    return count;
  }

  /* Wire the date slider (when the record spans more than a day) and the legend's type toggles;
   * everything they change is redone in `update`: incidents shown, counts, zones as they stood. */
  function filters(map, config) {
    var layer = page.incidents, types = config.types.length;
    var view = {start: config.domain ? config.domain[0] : 0, end: config.domain ? config.domain[1] : 0,
                enabled: new Uint8Array(types).fill(1)};
    var rows = summaryRows(), countNode = null, frame = null;
    var zoneIndex = {};
    config.zoneIds.forEach(function (id, index) { zoneIndex[id] = index; });

    function update() {
      frame = null;
      if (config.domain) {
        page.zones.forEach(function (entry) {
          var state = zoneState(entry.info, view.end), style = config.statuses[state.status];
          entry.statusText = style.label + (state.present ? "" : " (" + config.labels.not_in_effect + ")");
          entry.present = state.present;
          entry.layer.setStyle(zoneStyle(entry, state, config));
          markPresence(entry);
          setCell(rows[entry.info.id], "zm-zone-status", entry.statusText);
        });
      }
      if (!layer) { return; }
      layer.setView(view);
      if (layer.error()) {
        if (countNode) { countNode.textContent = layer.error().message; }
        return;
      }
      var counts = layer.counts(config.zoneIds.length);
      if (countNode) { countNode.textContent = fill(config.labels.shown, {shown: formatCount(counts.shown), total: formatCount(counts.total)}); }
      page.zones.forEach(function (entry) {
        var index = zoneIndex[entry.info.id];
        if (index === undefined) { return; }
        entry.counts = [counts.zones[index * 2], counts.zones[index * 2 + 1]];
        setCell(rows[entry.info.id], "zm-zone-incidents", formatCount(entry.counts[0]));
        setCell(rows[entry.info.id], "zm-zone-fatalities", formatCount(entry.counts[1]));
      });
    }
    function changed() {
      if (frame === null) { frame = L.Util.requestAnimFrame(update); }
    }

    if (config.domain && (layer || config.domain[1] > config.domain[0])) {
      countNode = timeControl(map, config, view, changed);
      countNode.parentNode.querySelector(".zm-range").hidden = config.domain[1] === config.domain[0];
      countNode.hidden = !layer;
    }
    Array.prototype.forEach.call(document.querySelectorAll("input[data-zm-type]"), function (input) {
      input.addEventListener("change", function () {
        view.enabled[Number(input.getAttribute("data-zm-type"))] = input.checked ? 1 : 0;
        changed();
      });
    });
    function ready() {
      update();
      map.getContainer().setAttribute("data-zm-ready", layer && layer.error() ? "error" : "true");
    }
    if (layer) { layer.whenReady(ready); } else { ready(); }
  }

  /* Move a panel written into the page (static, escaped HTML) into a Leaflet control. */
  function panel(map, id, position) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var Control = L.Control.extend({
      options: {position: position},
      onAdd: function () {
        L.DomEvent.disableClickPropagation(node);
        L.DomEvent.disableScrollPropagation(node);
        node.hidden = false;
        return node;
      }
    });
    new Control().addTo(map);
  }

  /* Padding that keeps the area of interest clear of the controls in the map's corners: each corner's
   * controls push the view in from the side (left/right) or the edge (top/bottom) where they cost less. */
  function panelPadding(map) {
    var size = map.getSize(), box = map.getContainer().getBoundingClientRect();
    var padding = {left: FIT_MARGIN, right: FIT_MARGIN, top: FIT_MARGIN, bottom: FIT_MARGIN};
    ["topleft", "topright", "bottomleft", "bottomright"].forEach(function (corner) {
      var holder = map._controlCorners[corner], width = 0, height = 0;
      if (!holder) { return; }
      Array.prototype.forEach.call(holder.children, function (control) {
        var r = control.getBoundingClientRect();
        if (!r.width || !r.height) { return; }
        width = Math.max(width, corner.indexOf("left") >= 0 ? r.right - box.left : box.right - r.left);
        height = Math.max(height, corner.indexOf("top") >= 0 ? r.bottom - box.top : box.bottom - r.top);
      });
      if (!width || !height) { return; }
      var side = corner.indexOf("left") >= 0 ? "left" : "right", edge = corner.indexOf("top") >= 0 ? "top" : "bottom";
      if (width / size.x <= height / size.y) {
        padding[side] = Math.max(padding[side], width + FIT_MARGIN);
      } else {
        padding[edge] = Math.max(padding[edge], height + FIT_MARGIN);
      }
    });
    /* Never leave less than half the map for the area itself. */
    var spareX = Math.max(0, padding.left + padding.right - size.x / 2), spareY = Math.max(0, padding.top + padding.bottom - size.y / 2);
    var keepX = spareX ? (size.x / 2) / (padding.left + padding.right) : 1, keepY = spareY ? (size.y / 2) / (padding.top + padding.bottom) : 1;
    return {paddingTopLeft: [padding.left * keepX, padding.top * keepY],
            paddingBottomRight: [padding.right * keepX, padding.bottom * keepY]};
  }

  /* Fit the map to the area of interest, clear of the panels, without animation (markers must not be
   * moving when a reader, or a test, first clicks). */
  function fit(map, bounds) {
    var options = panelPadding(map);
    options.animate = false;
    map.fitBounds(bounds, options);
  }

  /* A button standing in for a panel on narrow screens (CSS hides the panel below COMPACT_WIDTH until
   * the button opens it). */
  function collapsible(node, label, className) {
    if (!node || !node.parentNode) { return; }
    var button = element("button", "leaflet-control zm-toggle " + className, label);
    button.setAttribute("type", "button");
    button.setAttribute("aria-expanded", "false");
    node.parentNode.insertBefore(button, node);
    node.classList.add("zm-collapsible");
    L.DomEvent.disableClickPropagation(button);
    L.DomEvent.on(button, "click", function () {
      var open = !node.classList.contains("zm-open");
      node.classList.toggle("zm-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* Labels that would overlap are dropped: zone names before province names, larger zones first. */
  function placeLabels(map) {
    var shown = [];
    function overlaps(r) {
      return shown.some(function (s) { return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom; });
    }
    var zones = page.zones.filter(function (entry) { return entry.group._map && entry.label.getElement(); });
    zones.sort(function (a, b) { return b.info.area - a.info.area; });
    var labels = zones.map(function (entry) { return entry.label.getElement(); });
    Array.prototype.push.apply(labels, Array.prototype.slice.call(map.getContainer().querySelectorAll(".zm-province-label")));
    /* All boxes are read before any class is written: one layout of the page, not one per label. Hidden
     * labels keep their size (visibility), so the boxes hold either way. */
    var boxes = labels.map(function (node) { return node.getBoundingClientRect(); });
    var hidden = boxes.map(function (r) {
      if (overlaps(r)) { return true; }
      shown.push(r);
      return false;
    });
    labels.forEach(function (node, i) { node.classList.toggle("zm-label-hidden", hidden[i]); });
  }

  /* The page's layout: buttons for the panels on narrow screens, the opening view clear of the panels,
   * zone rings and labels redone at each zoom, and printing of the whole area of interest. */
  function layout(map, config) {
    var container = map.getContainer();
    collapsible(document.getElementById("zm-title"), config.buttons.title, "zm-toggle-title");
    collapsible(document.getElementById("zm-legend"), config.buttons.legend, "zm-toggle-legend");
    collapsible(container.querySelector(".leaflet-control-layers"), config.buttons.layers, "zm-toggle-layers");
    function zoomed() {
      page.zones.forEach(sizeRing);
      placeLabels(map);
    }
    map.on("zoomend", zoomed);
    /* A popup opens clear of the panels, as the opening view does (Leaflet pans it into view with this padding). */
    map.on("popupopen", function (event) {
      var padding = panelPadding(map), popup = event.popup;
      popup.options.autoPanPaddingTopLeft = L.point(padding.paddingTopLeft);
      popup.options.autoPanPaddingBottomRight = L.point(padding.paddingBottomRight);
      if (popup.options.autoPan && popup._adjustPan) { popup._adjustPan(); }
    });
    page.zones.forEach(function (entry) { entry.group.on("add", function () { sizeRing(entry); placeLabels(map); }); });
    fit(map, config.bounds);
    zoomed();
    /* Print: fit the area of interest to the printed page, and go back to the reader's view after. */
    var before = null;
    function toPrint() {
      if (before) { return; }
      before = {center: map.getCenter(), zoom: map.getZoom()};
      map.invalidateSize({animate: false});
      fit(map, config.bounds);
    }
    function fromPrint() {
      if (!before) { return; }
      map.invalidateSize({animate: false});
      map.setView(before.center, before.zoom, {animate: false});
      before = null;
    }
    window.addEventListener("beforeprint", toPrint);
    window.addEventListener("afterprint", fromPrint);
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      var changed = function (event) { if (event.matches) { toPrint(); } else { fromPrint(); } };
      if (print.addEventListener) { print.addEventListener("change", changed); }
    }
    /* Fit again whenever the frame is resized from nothing (an embed whose iframe is laid out after the map
     * starts would otherwise stay blank) or across the narrow-screen width, where the panels change. */
    if (!window.ResizeObserver) { return; }
    var empty = container.clientWidth === 0 || container.clientHeight === 0, compact = container.clientWidth < COMPACT_WIDTH;
    new ResizeObserver(function () {
      map.invalidateSize({animate: false});
      var nowEmpty = container.clientWidth === 0 || container.clientHeight === 0, nowCompact = container.clientWidth < COMPACT_WIDTH;
      if (!nowEmpty && !before && (empty || nowCompact !== compact)) { fit(map, config.bounds); }
      empty = nowEmpty;
      compact = nowCompact;
    }).observe(container);
  }

  window.zonemap = {countries: countries, provinces: provinces, adminUnits: adminUnits, zone: zone, incidents: incidents, filters: filters,
                    panel: panel, layout: layout};
})();
