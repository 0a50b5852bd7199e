// Optional: shows each <time> in the reader's own time zone. The page is complete without it.
(function () {
  var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  document.querySelectorAll("time[datetime][data-local]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when)) { el.title = el.textContent; el.textContent = format.format(when); }
  });
})();
