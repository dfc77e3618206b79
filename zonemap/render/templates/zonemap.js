/* zonemap page helpers. Every string from a scenario arrives as JSON data and
 * reaches the page through textContent or setAttribute only, never as markup. */
(function () {
  "use strict";

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

  function zone(group, feature, info, rtl) {
    L.geoJSON(feature, {
      style: function () {
        return {
          className: "zm-zone zm-zone-" + classToken(info.id) + (info.approximate ? " zm-approximate" : ""),
          color: info.colour, weight: 2.5, opacity: 0.95, fillColor: info.colour,
          fillOpacity: info.fillOpacity, dashArray: info.approximate ? info.dash : null
        };
      },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(element("span", null, info.name), {sticky: true});
        layer.bindPopup(function () { return details(info.popup, rtl); }, {maxWidth: 340});
      }
    }).addTo(group);
  }

  function incidents(group, data, icons, rtl) {
    data.forEach(function (item) {
      var icon = icons[item.type] || icons.other;
      var marker = L.marker([item.lat, item.lon], {
        icon: L.divIcon({
          html: icon.svg, className: "zm-incident " + icon.className + " zm-incident-" + classToken(item.id),
          iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -12], tooltipAnchor: [12, 0]
        }),
        keyboard: true, riseOnHover: true
      });
      marker.bindTooltip(element("span", null, item.popup.title));
      marker.bindPopup(function () { return details(item.popup, rtl); }, {maxWidth: 340});
      marker.addTo(group);
    });
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

  /* Fit the map to the area of interest, without animation (markers must not be moving when a
   * reader, or a test, first clicks), and again whenever its frame is resized from nothing (an
   * embed whose iframe is laid out after the map starts would otherwise stay blank). */
  function fit(map, bounds) {
    var options = {padding: [20, 20], animate: false};
    map.fitBounds(bounds, options);
    if (!window.ResizeObserver) { return; }
    var container = map.getContainer();
    var empty = container.clientWidth === 0 || container.clientHeight === 0;
    new ResizeObserver(function () {
      map.invalidateSize({animate: false});
      var nowEmpty = container.clientWidth === 0 || container.clientHeight === 0;
      if (empty && !nowEmpty) { map.fitBounds(bounds, options); }
      empty = nowEmpty;
    }).observe(container);
  }

  window.zonemap = {countries: countries, provinces: provinces, zone: zone, incidents: incidents, panel: panel, fit: fit};
})();
