-- Quarto writes alt text as the `fig-alt` attribute; plain pandoc reads `alt`.
-- Copy one to the other so the built-in engine gives every image real alt text.
function Image(img)
  local alt = img.attributes["fig-alt"]
  if alt and alt ~= "" then
    img.attributes["alt"] = alt
    img.attributes["fig-alt"] = nil
  end
  return img
end
