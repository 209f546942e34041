// Progressive enhancement for the related-procedures list: adds previous/next buttons that
// scroll by one card. Without this file the list still scrolls by touch, mouse and keyboard.
document.querySelectorAll("[data-related-browser]").forEach((browser) => {
  const list = browser.querySelector(".related__list");
  if (!list || list.children.length < 2) return;
  const controls = document.createElement("div");
  controls.className = "related__controls";
  const step = () => list.firstElementChild.getBoundingClientRect().width + 16;
  [
    ["Previous procedures", "←", -1],
    ["Next procedures", "→", 1],
  ].forEach(([label, arrow, direction]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "related__button";
    button.setAttribute("aria-label", label);
    button.textContent = arrow;
    button.addEventListener("click", () => {
      const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      list.scrollBy({ left: direction * step(), behavior: reduce ? "auto" : "smooth" });
    });
    controls.append(button);
  });
  browser.querySelector(".related__head").append(controls);
});
