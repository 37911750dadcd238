-- HTML: the report body inside a <main> landmark (the title block is the
-- page's <header> and the contents its <nav>), so screen-reader users can
-- jump to the content and nothing is outside a landmark.
function Pandoc(doc)
  if not FORMAT:match("html") then return nil end
  doc.blocks:insert(1, pandoc.RawBlock("html", '<main id="content">'))
  doc.blocks:insert(pandoc.RawBlock("html", "</main>"))
  return doc
end
