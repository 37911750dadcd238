-- Quarto writes alt text as the `fig-alt` attribute; plain pandoc reads `alt`
-- (HTML) or the image's description inlines (Word's "alt text"). Copy fig-alt
-- to both so the built-in engine gives every image real alt text in every format.
-- The figure's visible caption is kept separately by the Figure block.
local function alt_text(img)
  local alt = img.attributes["fig-alt"]
  if alt and alt ~= "" then
    img.attributes["alt"] = alt
    img.attributes["fig-alt"] = nil
    img.caption = pandoc.Inlines(alt)
    return img
  end
end

local images = { Image = alt_text }

-- Every block but a table is searched for images: the report's images are its
-- figures and its template cells' plots. An Image filter over the whole document
-- had pandoc hand the inlines of every table cell (thousands in a force's report)
-- to Lua, and cost more than all the rest of this filter.
function Pandoc(doc)
  for i, block in ipairs(doc.blocks) do
    if block.t ~= "Table" then doc.blocks[i] = block:walk(images) end
  end
  return doc
end
