-- Several pandoc writer runs on one source in one pandoc process (`pandoc lua write-documents.lua < JOB`):
-- the built-in engine's way of writing a report's formats one after another. The source is read once,
-- and each output is written exactly as the command line `pandoc --from <reader> --standalone
-- --lua-filter ... -o <output> <source>` writes it (pandoc's src/Text/Pandoc/App.hs, convertWithOpts,
-- and App/OutputSettings.hs): the text read as the command line reads a file (carriage returns dropped,
-- tabs expanded to stops of 4), metadata file < document < --metadata, the Lua filters with the globals
-- the command line sets, then --shift-heading-level-by, Word's media gathered (and PNG copies of SVG
-- pictures), the format's default template.
--
-- JOB, on standard input, is JSON from assessment/render/pandoc_runs.py:
--   { "source": "report.md", "reader": "markdown", "after_read": [filters run once, after reading],
--     "runs": [ { "writer": "html5", "output": "...", "filters": [...], "metadata_file": "...",
--                 "metadata": {"lang": "en-GB"}, "toc_depth": 2 or null, "number_sections": false,
--                 "shift_heading_level_by": -1, "css": [...], "reference_doc": "..." or null } ] }
-- Before each output it writes "@@ <number of the run>" to stderr, so that a failure, even a signal
-- (a full disk), is put down to the output being written.

local function read_file(path)
  local handle = assert(io.open(path, "rb"))
  local text = handle:read("a")
  handle:close()
  return text
end

local function write_file(path, contents)
  local handle = assert(io.open(path, "wb"))
  assert(handle:write(contents))
  assert(handle:close())
end

-- pandoc's tabFilter: each tab becomes the spaces up to the next multiple of 4 columns (in characters).
local function expand_tabs(line)
  local out, column = {}, 0
  for piece, tab in line:gmatch("([^\t]*)(\t?)") do
    out[#out + 1] = piece
    column = column + (utf8.len(piece) or #piece)
    if tab ~= "" then
      local spaces = 4 - column % 4
      out[#out + 1] = string.rep(" ", spaces)
      column = column + spaces
    end
  end
  return table.concat(out)
end

-- The source's text as the command line hands it to a reader (App/Input.hs, readInput).
local function as_read_from_a_file(text)
  text = text:gsub("\r", "")
  if not text:find("\t", 1, true) then return text end
  return (text:gsub("[^\n]+", expand_tabs))
end

-- What --metadata-file gives: the file's YAML read as a markdown document's metadata block.
local function metadata_file(path)
  if not path then return pandoc.Meta({}) end
  return pandoc.read("---\n" .. read_file(path) .. "\n---\n", "markdown").meta
end

-- Each filter with the globals the command line gives it (pandoc-lua-engine's Engine.hs, applyFilter), in an
-- environment of its own (the command line gives each filter a Lua state of its own).
local function run_filters(doc, filters, format, writer_options)
  for _, path in ipairs(filters or {}) do
    local env = setmetatable({ FORMAT = format, PANDOC_SCRIPT_FILE = path,
                               PANDOC_READER_OPTIONS = pandoc.ReaderOptions({ standalone = writer_options ~= nil }),
                               PANDOC_WRITER_OPTIONS = pandoc.WriterOptions(writer_options or {}) },
                             { __index = _G })
    doc = pandoc.utils.run_lua_filter(doc, path, env)
  end
  return doc
end

-- --shift-heading-level-by (Transforms.hs, headerShift): a heading shifted to level 0 at the start of the
-- document (or of its first section) becomes the title; any other heading shifted to level 0 or less a paragraph.
local function shift_headings(doc, by)
  if by == nil or by == 0 then return doc end
  while by < 0 do
    local first = doc.blocks[1]
    if first and first.t == "Header" and first.level + by == 0 then
      doc.meta.title = first.content
      doc.blocks:remove(1)
    elseif first and first.t == "Div" and first.classes[1] == "section" and first.content[1]
        and first.content[1].t == "Header" and first.content[1].level + by == 0 then
      doc.meta.title = first.content[1].content
      first.content:remove(1)
    else
      break
    end
  end
  doc.blocks = doc.blocks:walk({
    Header = function(h)
      if h.level + by > 0 then
        h.level = h.level + by
        return h
      end
      return pandoc.Para(h.content)
    end,
  })
  return doc
end

local function with_metadata(doc, run)
  local meta = metadata_file(run.metadata_file)
  for key, value in pairs(doc.meta) do meta[key] = value end
  for key, value in pairs(run.metadata or {}) do meta[key] = value end
  doc.meta = meta
  return doc
end

local function writer_options(run, source)
  local variables = {
    sourcefile = { source },
    outputfile = run.output,
    ["pandoc-version"] = tostring(PANDOC_VERSION),
    curdir = pandoc.system.get_working_directory(),
  }
  if run.css and #run.css > 0 then variables.css = run.css end
  return {
    template = pandoc.template.compile(pandoc.template.default(run.writer)),
    variables = variables,
    table_of_contents = run.toc_depth ~= nil,
    toc_depth = run.toc_depth or 3,
    number_sections = run.number_sections or false,
    reference_doc = run.reference_doc,
  }
end

-- Word: a PNG copy of each SVG picture for readers that cannot show SVG, made by rsvg-convert when it is on
-- PATH (App.hs, createPngFallbacks; Image.hs, svgToPng; at the writer's 96 dpi). Without it, none.
local function png_fallbacks()
  for _, item in ipairs(pandoc.mediabag.list()) do
    if item.type:match("^image/svg%+xml") then
      local _, svg = pandoc.mediabag.lookup(item.path)
      local ok, png = pcall(pandoc.pipe, "rsvg-convert", { "-f", "png", "-a", "--dpi-x", "96", "--dpi-y", "96" }, svg)
      if ok then pandoc.mediabag.insert(item.path .. ".png", "image/png", png) end
    end
  end
end

local function write_one(read, run, source)
  pandoc.mediabag.empty()  -- each output starts as a fresh pandoc does, with no media gathered
  local options = writer_options(run, source)
  local doc = with_metadata(read:clone(), run)
  doc = run_filters(doc, run.filters, run.writer, options)
  doc = shift_headings(doc, run.shift_heading_level_by)
  if run.writer == "docx" then
    doc = pandoc.mediabag.fill(doc)
    png_fallbacks()
  end
  write_file(run.output, pandoc.write(doc, run.writer, options))
end

local job = pandoc.json.decode(io.read("a"), false)
local read = pandoc.read(as_read_from_a_file(read_file(job.source)), job.reader)
read = run_filters(read, job.after_read, "json")  -- as in the command line's parse: `--to json`
for number, run in ipairs(job.runs) do
  io.stderr:write("@@ " .. number .. "\n")
  io.stderr:flush()
  local ok, message = pcall(write_one, read, run, job.source)
  if not ok then
    io.stderr:write(tostring(message) .. "\n")
    os.exit(1)
  end
end
