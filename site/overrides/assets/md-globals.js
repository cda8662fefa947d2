// The globals mkdocs-material's bundle expects (its partials/javascripts/base.html, as an external file).
(function () {
  var scope = document.currentScript.getAttribute("data-scope");
  window.__md_scope = new URL(scope, location);
  window.__md_hash = function (e) {
    return [].slice.call(e).reduce(function (e, _) { return (e << 5) - e + _.charCodeAt(0); }, 0);
  };
  window.__md_get = function (e, _, t) {
    _ = _ || localStorage; t = t || window.__md_scope;
    return JSON.parse(_.getItem(t.pathname + "." + e));
  };
  window.__md_set = function (e, _, t, a) {
    t = t || localStorage; a = a || window.__md_scope;
    try { t.setItem(a.pathname + "." + e, JSON.stringify(_)); } catch (err) { /* storage full or blocked */ }
  };
})();
