#!/usr/bin/python3
"""Every kind of workbook marketsim writes, opened in a real spreadsheet program: LibreOffice Calc,
headless, prints each to PDF; poppler renders the pages; the pages are read back as pixels.

Checks, per workbook:
- Calc opens it and prints it (exit 0, a PDF with pages);
- every printed page of a sheet of fans (as many as the sheet's page breaks say) shows a fan as
  shaded bands: the three shades of blue of the P5-P95, P10-P90 and P25-P75 bands and the dark
  median line, each over a stated number of pixels; no other page shows them, so no fan spills
  over the side of a page or is cut between two;
- every sheet with another chart (tornado, spider, what moved) prints at least one page with
  coloured ink.

Environment: MARKETSIM_CLI (the command), MARKETSIM_SOURCE_DIR (the source tree).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

import numpy
from PIL import Image

CLI = os.environ["MARKETSIM_CLI"]
SOURCE = os.environ["MARKETSIM_SOURCE_DIR"]
DPI = 60  # a page is 660 x 510 pixels; the median, two points wide, a pixel or two

# The fan's shades: #0072B2 at opacity 0.18, 0.432 and 0.684 over white, and the median's #003F66.
SHADES = {"P5-P95": (209, 230, 241), "P10-P90": (145, 194, 222), "P25-P75": (81, 159, 202)}
MEDIAN = (0, 63, 102)
SHADE_TOLERANCE = 6  # per channel: the fills are solid; only their edges are antialiased
MEDIAN_TOLERANCE = 40  # a line two points wide is one or two pixels, blended with the band under it
MIN_SHADE_PIXELS = 40  # of each shade on a page with a fan: a band, not a stray edge
MIN_MEDIAN_PIXELS = 15
MIN_PLOT_ROWS = 12  # a fan's plot is some 60 rows tall, a legend's swatch 4

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def run(args, cwd):
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.exit("command failed (%d): %s\n%s%s" % (done.returncode, " ".join(args), done.stdout, done.stderr))
    return done.stdout


def sheets(path):
    """(name, charts, area charts, printed pages) of each sheet, in order, from the workbook's XML:
    the pages a sheet prints are its manual page breaks plus one."""
    z = zipfile.ZipFile(path)
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    out = []
    for s in book.find("m:sheets", NS):
        sheet_path = "xl/" + target[s.get("{%s}id" % NS["r"])]
        xml = z.read(sheet_path).decode()
        breaks = re.search(r'<rowBreaks count="(\d+)"', xml)
        charts = areas = 0
        rel_path = sheet_path.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if rel_path in z.namelist():
            for rel in ET.fromstring(z.read(rel_path)):
                if rel.get("Target", "").startswith("../drawings/"):
                    drawing = "xl/drawings/" + rel.get("Target").split("/")[-1]
                    drels = ET.fromstring(z.read(drawing.replace("drawings/", "drawings/_rels/") + ".rels"))
                    for d in drels:
                        chart = z.read("xl/charts/" + d.get("Target").split("/")[-1]).decode()
                        charts += 1
                        areas += "<c:areaChart>" in chart
        out.append((s.get("name"), charts, areas, int(breaks.group(1)) + 1 if breaks else 1))
    return out


def page_stats(png):
    """Pixels of each fan shade, of the median, of any colour (chroma over 40) and of ink; and the
    heights of the fans' plots on the page, top to bottom: runs of rows that cross the P10-P90
    or P25-P75 shade, at least MIN_PLOT_ROWS tall (a legend's swatches are a few rows)."""
    img = numpy.asarray(Image.open(png).convert("RGB"), dtype=numpy.int16)
    near = {name: numpy.abs(img - colour).max(axis=2) <= SHADE_TOLERANCE for name, colour in SHADES.items()}
    counts = {name: int(mask.sum()) for name, mask in near.items()}
    median = int((numpy.abs(img - MEDIAN).max(axis=2) <= MEDIAN_TOLERANCE).sum())
    coloured = int((img.max(axis=2) - img.min(axis=2) > 40).sum())
    ink = int((img.sum(axis=2) < 720).sum())
    rows = (near["P10-P90"] | near["P25-P75"]).sum(axis=1) >= 2
    plots, run = [], 0
    for on in list(rows) + [False]:
        if on:
            run += 1
        elif run:
            if run >= MIN_PLOT_ROWS:
                plots.append(run)
            run = 0
    return counts, median, coloured, ink, plots


def is_fan_page(stats):
    counts, median = stats[0], stats[1]
    return all(c >= MIN_SHADE_PIXELS for c in counts.values()) and median >= MIN_MEDIAN_PIXELS


def main():
    work = tempfile.mkdtemp(prefix="marketsim_client_")
    try:
        scenarios = os.path.join(SOURCE, "scenarios")
        base = os.path.join(scenarios, "baseline.toml")
        # the workbooks of each verb: run (members, and member shares with regional_mix), compare,
        # sensitivity over draws and over settings
        run([CLI, "run", base, "--paths", "4000", "--format", "xlsx", "--out", "run", "-q"], work)
        run([CLI, "run", os.path.join(scenarios, "regional_mix.toml"), "--paths", "4000", "--format", "xlsx",
             "--out", "mix", "-q"], work)
        # a what-if that moves every series, so that every fan of the differences has bands
        with open(os.path.join(work, "slump.toml"), "w") as f:
            f.write('extends = "%s"\n\n[[event]]\nname = "slump"\nprobability = 0.3\nfrom = 2026\nto = 2028\n'
                    'impact = -0.04\nduration = 2\n' % base)
        run([CLI, "compare", base, "slump.toml", "--paths", "4000",
             "--format", "xlsx", "--out", "compare", "-q"], work)
        run([CLI, "sensitivity", base, "--paths", "300", "--format", "xlsx", "--out", "sobol", "-q"], work)
        run([CLI, "sensitivity", base, "--settings", "--paths", "500", "--format", "xlsx", "--out", "settings",
             "-q"], work)
        books = ["run/bands.xlsx", "mix/bands.xlsx", "compare/delta.xlsx", "sobol/sensitivity.xlsx",
                 "settings/settings.xlsx"]
        for i, book in enumerate(books):  # one name each in the PDF directory
            os.replace(os.path.join(work, book), os.path.join(work, "book%d.xlsx" % i))
        names = ["book%d.xlsx" % i for i in range(len(books))]

        # a private profile: no state shared with another run or the user's own LibreOffice
        profile = "file://" + os.path.join(work, "profile")
        env = dict(os.environ, HOME=work)
        done = subprocess.run(["soffice", "-env:UserInstallation=" + profile, "--headless", "--norestore",
                               "--convert-to", "pdf", "--outdir", "pdf"] + names,
                              cwd=work, env=env, capture_output=True, text=True, timeout=600)
        print(done.stdout.strip())
        if done.returncode != 0:
            sys.exit("soffice failed (%d): %s" % (done.returncode, done.stderr))

        for book, name in zip(books, names):
            pdf = os.path.join(work, "pdf", name[:-5] + ".pdf")
            if not os.path.exists(pdf):
                fail("%s: LibreOffice wrote no PDF" % book)
                continue
            stem = os.path.join(work, "pdf", name[:-5])
            run(["pdftoppm", "-r", str(DPI), "-png", pdf, stem], work)
            pngs = sorted(f for f in os.listdir(os.path.join(work, "pdf")) if f.startswith(name[:-5] + "-"))
            stats = [page_stats(os.path.join(work, "pdf", f)) for f in pngs]
            layout = sheets(os.path.join(work, name))
            fan_pages_expected = sum(pages for _, charts, areas, pages in layout if areas)
            fans_expected = sum(areas for _, _, areas, _ in layout)
            plots = [h for st in stats for h in st[4]]
            other_chart_sheets = [s for s, charts, areas, _ in layout if charts and not areas]
            fan_pages = sum(is_fan_page(s) for s in stats)
            coloured_pages = sum(s[2] > 0 for s in stats)
            print("%s: %d pages; sheets %s" % (book, len(stats), ", ".join(
                "%s (%d charts, %d fans, %d pages)" % s for s in layout)))
            for i, st in enumerate(stats):
                counts, median, coloured, ink, heights = st
                print("  page %d: %s median %d coloured %d ink %d; fan plots %s rows tall%s" % (
                    i + 1, " ".join("%s %d" % kv for kv in counts.items()), median, coloured, ink, heights,
                    "  <- fans" if is_fan_page(st) else ""))
            if not stats:
                fail("%s: the PDF has no pages" % book)
            if fan_pages != fan_pages_expected:
                fail("%s: %d pages show a shaded fan with its median; expected %d, one per printed page of the "
                     "sheets of fans" % (book, fan_pages, fan_pages_expected))
            if len(plots) != fans_expected:
                fail("%s: %d fan plots on the pages; expected %d, one per chart (a chart cut by a page "
                     "edge shows as two)" % (book, len(plots), fans_expected))
            if coloured_pages < fan_pages_expected + len(other_chart_sheets):
                fail("%s: %d pages with coloured ink; expected at least %d (the fans' pages and one per sheet "
                     "with another chart: %s)" % (book, coloured_pages, fan_pages_expected + len(other_chart_sheets),
                                                  ", ".join(other_chart_sheets)))
        # the kinds of charts this test must see, so that it cannot pass on a workbook without them
        if not any(areas for name in names for _, _, areas, _ in sheets(os.path.join(work, name))):
            fail("no workbook holds a fan (an area chart)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("all workbooks render")


if __name__ == "__main__":
    main()
