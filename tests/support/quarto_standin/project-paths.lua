-- The stand-in Quarto's pandoc filter: three things Quarto's own filters do.
--
-- 1. src/resources/filters/quarto-pre/project-paths.lua (quarto-cli 1.11): inside a
--    project, an image or link path starting with "/" is project-relative and is
--    rewritten to <project-offset>/<path without the slash>, where the offset is
--    the document's folder's path to the project folder
--    (src/project/project-shared.ts: projectOffset). Applied to every format
--    (src/resources/filters/main.lua runs it in quarto-pre for all of them).
-- 2. src/resources/filters/quarto-pre/figures.lua and quarto-post/html.lua:
--    `fig-alt` becomes the image's `alt` attribute (pandoc writes it as HTML alt,
--    Word's description and typst's alt).
-- 3. src/resources/filters/quarto-post/typst.lua (1.8.27 and 1.11.0): every table gets the
--    class "typst:no-figure", so pandoc's typst writer drops its figure and its caption.
local offset = os.getenv("STANDIN_PROJECT_OFFSET")

function Table(tbl)
  if FORMAT == "typst" then
    tbl.classes:insert("typst:no-figure")
    return tbl
  end
end

local function resolve(path)
  if offset and offset ~= "" and path and path:sub(1, 1) == "/" then
    return pandoc.path.join({offset, path:sub(2)})
  end
  return nil
end

function Image(el)
  local resolved = resolve(el.src)
  if resolved then
    el.src = resolved
  end
  local alt = el.attributes["fig-alt"]
  if alt then
    el.attributes["alt"] = alt
    el.attributes["fig-alt"] = nil
  end
  return el
end

function Link(el)
  local resolved = resolve(el.target)
  if resolved then
    el.target = resolved
    return el
  end
end
