// Refused on the phone before 10 MB go over a weak network; the server checks anyway.
(function () {
  var input = document.querySelector("input[name=photo]");
  if (!input) return;
  input.addEventListener("change", function () {
    var big = input.files.length && input.files[0].size > Number(input.dataset.max);
    input.setCustomValidity(big ? input.dataset.tooBig : "");
    if (big) input.reportValidity();
  });
})();
