-- Word and PDF: the document title is not a heading, so the report's sections
-- (level 2 in the template, under an HTML page's <h1> title) become level 1
-- and their subsections level 2. Headings then run in order after the title
-- (Title, Heading 1, Heading 2) and the PDF outline starts at the sections.
function Header(h)
  if h.level > 1 then
    h.level = h.level - 1
  end
  return h
end
