-- HTML: the report body inside a <main> landmark (the title block is the
-- page's <header> and the contents its <nav>), so screen-reader users can
-- jump to the content and nothing is outside a landmark. Quarto's HTML page
-- has its own <main> (Quarto's filters define the global `quarto`), so only
-- pandoc's plain page needs one.

-- HTML only: for another format the file gives pandoc no filter at all (a function that returned
-- at once would still have every element of its type handed to Lua and back).
if not FORMAT:match("html") then return {} end

function Pandoc(doc)
  if quarto ~= nil then return nil end
  doc.blocks:insert(1, pandoc.RawBlock("html", '<main id="content">'))
  doc.blocks:insert(pandoc.RawBlock("html", "</main>"))
  return doc
end
