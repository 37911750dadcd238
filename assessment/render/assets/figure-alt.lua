-- Quarto writes alt text as the `fig-alt` attribute; plain pandoc reads `alt`
-- (HTML) or the image's description inlines (Word's "alt text"). Copy fig-alt
-- to both so the built-in engine gives every image real alt text in every format.
-- The figure's visible caption is kept separately by the Figure block.
function Image(img)
  local alt = img.attributes["fig-alt"]
  if alt and alt ~= "" then
    img.attributes["alt"] = alt
    img.attributes["fig-alt"] = nil
    img.caption = pandoc.Inlines(alt)
  end
  return img
end
