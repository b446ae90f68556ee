// The stocktake pages keep working offline: the service worker caches them.
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
