// Progressive enhancement for before-and-after photos: the two photos, side by side without
// this file, become one frame with the after photo drawn over the before, revealed by a
// slider. The slider is a native range input, so keyboards (arrows, Home, End), touch and
// screen readers all work it. The position is a CSS variable set through the CSSOM, which
// the Content-Security-Policy allows (it forbids inline style attributes).
document.querySelectorAll("[data-compare]").forEach((compare) => {
  const photos = compare.querySelector(".compare__photos");
  const after = compare.querySelector(".compare__photo--after img");
  if (!photos || !after) return;
  const range = document.createElement("input");
  range.type = "range";
  range.min = "0";
  range.max = "100";
  range.value = "50";
  range.className = "compare__range";
  range.setAttribute("aria-label", `Slide to compare: ${after.alt}`);
  const show = () => {
    photos.style.setProperty("--reveal", `${range.value}%`);
    range.setAttribute("aria-valuetext", `${range.value}% of the after photo shown`);
  };
  range.addEventListener("input", show);
  show();
  photos.after(range);
  compare.classList.add("compare--slider");
});
