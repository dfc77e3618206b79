/* zonemap analysis layers: the choropleth of incidents or fatalities per unit. Like zonemap.js, every
 * string arrives as JSON data and reaches the page through textContent only. */
(function () {
  "use strict";

  function legendControl(layer, rtl) {
    var Control = L.Control.extend({
      options: {position: "bottomright"},
      onAdd: function () {
        var node = document.createElement("div");
        node.className = "zm-panel zm-choropleth-legend";
        if (rtl) { node.setAttribute("dir", "rtl"); }
        var title = document.createElement("h2");
        title.textContent = layer.legend.title;
        node.appendChild(title);
        layer.legend.rows.forEach(function (row) {
          var line = document.createElement("div");
          line.className = "zm-legend-row zm-choropleth-class";
          var swatch = document.createElement("span");
          swatch.className = "zm-choropleth-swatch";
          swatch.style.background = row[0];
          line.appendChild(swatch);
          line.appendChild(document.createTextNode(row[1]));
          node.appendChild(line);
        });
        L.DomEvent.disableClickPropagation(node);
        return node;
      }
    });
    return new Control();
  }

  /* Draw the units just above the land: behind everything else, then the countries (the offline base map,
   * drawn with the other vector layers) moved behind them. Turning the layer off and on again keeps that order. */
  function underTheZones(units, map) {
    units.bringToBack();
    map.eachLayer(function (other) {
      var className = other.options && other.options.className;
      if (other.bringToBack && typeof className === "string" && /(^| )zm-country( |$)/.test(className)) {
        other.bringToBack();
      }
    });
  }

  /* Units filled by class, a tooltip with each unit's name and value, and a legend shown while the layer is on. */
  function choropleth(group, layer, rtl) {
    var legend = legendControl(layer, rtl);
    var units = L.geoJSON(layer.data, {
      style: function (feature) {
        return {className: "zm-choropleth-unit", fillColor: feature.properties.colour, fillOpacity: layer.opacity,
                color: "#ffffff", weight: 0.6, opacity: 0.9};
      },
      onEachFeature: function (feature, path) {
        var tip = document.createElement("span");
        tip.textContent = feature.properties.name + ": " + feature.properties.value.toLocaleString("en") + " " +
          layer.measure.toLowerCase();
        if (rtl) { tip.setAttribute("dir", "rtl"); }
        path.bindTooltip(tip, {sticky: true});
      }
    }).addTo(group);
    group.on("add", function () {
      underTheZones(units, group._map);
      legend.addTo(group._map);
    });
    group.on("remove", function () { legend.remove(); });
  }

  window.zonemap.choropleth = choropleth;
})();
