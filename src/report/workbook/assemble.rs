//! The workbook's zip, deflated on several threads.
//!
//! rust_xlsxwriter saves a workbook on one thread: once every sheet is built, it deflates them
//! one after the other. The annotated workbook of a large register is about a gigabyte of XML
//! (250,000 Users), and saving it that way left the other core idle for a fifth of the run. So
//! each large (constant-memory) worksheet is saved as soon as its rows are written, on the thread
//! that wrote them, as the only real sheet of a workbook of its own ([`Apart::save`]). The main
//! workbook gets, in its place, an empty worksheet with the same name, filter and print titles
//! ([`StandIn`]), so that its own parts — the list of sheets, the defined names, the document
//! properties — come out as they would with the sheet there. [`write`] then copies the main
//! workbook's zip entry by entry, the stand-in's sheet replaced by the sheet saved apart, still
//! compressed (nothing is inflated or deflated again).
//!
//! The cells' formats are the main workbook's: a constant-memory worksheet numbers its formats
//! in the table of the workbook that made it (which registers them in a fixed order before the
//! writers start, see `Styles::register`), and the workbook a sheet is saved apart in only
//! contributes that sheet's XML. A test checks that every part of the result inflates to the
//! same bytes as when rust_xlsxwriter saves the whole workbook at once.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Cursor, Seek, Write};

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use zip::{ZipArchive, ZipWriter};

use super::ZIP_COMPRESSION_LEVEL;
use super::sheet::StandIn;

/// Where a sheet saved apart sits in its own zip: it is the second sheet of that workbook.
const APART_ENTRY: &str = "xl/worksheets/sheet2.xml";

/// A finished worksheet, as the main thread adds it to the workbook.
pub enum Slot {
    /// The worksheet itself (in-memory sheets, and every sheet when none is saved apart).
    Whole(Box<Worksheet>),
    /// A sheet already saved in a zip of its own.
    Apart(Apart),
}

/// A worksheet saved apart: what stands in for it in the workbook, and the zip holding it.
pub struct Apart {
    pub stand_in: StandIn,
    /// An anonymous temporary file, gone when closed.
    zip: File,
}

impl Apart {
    /// Saves `ws` (a constant-memory worksheet whose rows are all written) into a workbook of its
    /// own, on this thread.
    ///
    /// # Errors
    /// When the temporary file cannot be made or written.
    pub fn save(ws: Worksheet, stand_in: StandIn) -> Result<Apart, XlsxError> {
        let mut wb = Workbook::new();
        wb.set_zip_compression_level(ZIP_COMPRESSION_LEVEL);
        // The first sheet of a workbook is its selected one; in the main workbook this sheet is
        // not, so it goes second, after an empty sheet of another name.
        let mut first = Worksheet::new();
        first.set_name(if stand_in.name.eq_ignore_ascii_case("a") {
            "b"
        } else {
            "a"
        })?;
        wb.push_worksheet(first);
        wb.push_worksheet(ws);
        let mut zip = tempfile::tempfile()?;
        wb.save_to_writer(&mut zip)?;
        Ok(Apart { stand_in, zip })
    }
}

/// Writes `main`'s zip to `out`, the sheet at each index of `apart` (0-based, in `main`'s
/// worksheets) taken from its zip, and returns `out`.
///
/// # Errors
/// When a zip cannot be read or written, or a sheet saved apart is missing from its zip or its
/// stand-in from `main` (a bug, reported rather than a workbook written without the sheet).
pub fn write<W: Write + Seek>(
    main: &mut Workbook,
    apart: Vec<(usize, Apart)>,
    out: W,
) -> Result<W, XlsxError> {
    let mut sheets: HashMap<Vec<u8>, Apart> = apart
        .into_iter()
        .map(|(k, a)| (format!("xl/worksheets/sheet{}.xml", k + 1).into_bytes(), a))
        .collect();
    let mut archive = ZipArchive::new(Cursor::new(main.save_to_buffer()?))?;
    let mut zip = ZipWriter::new(out);
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i)?;
        let Some(apart) = sheets.remove(entry.name_raw()) else {
            zip.raw_copy_file(entry)?;
            continue;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        drop(entry);
        let mut own = ZipArchive::new(BufReader::new(apart.zip))?;
        let sheet = own.by_name_raw(APART_ENTRY.as_bytes())?;
        zip.raw_copy_file_rename(sheet, name)?;
    }
    if let Some(apart) = sheets.values().next() {
        return Err(XlsxError::ParameterError(format!(
            "g8audit: no place for the sheet {} in the workbook",
            apart.stand_in.name
        )));
    }
    Ok(zip.finish()?)
}
