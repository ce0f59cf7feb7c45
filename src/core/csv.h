/*
 * csv.h: RFC 4180 reader and writer, in the two dialects proxima meets.
 *
 * CSV_EXCEL, the French Excel dialect: ';' separator, UTF-8 with BOM, CRLF,
 * quotes only where needed, decimal comma (the caller formats numbers), and
 * cells starting with = + - @ (or TAB, CR) neutralised by a leading
 * apostrophe against formula injection.
 * CSV_OPENDATA, schema.data.gouv.fr: ',' separator, UTF-8 without BOM, CRLF,
 * no neutralisation (values are data, not cells).
 *
 * The reader works on a buffer in memory with a cursor; it accepts LF or
 * CRLF, an optional BOM, ';' or ',' (given, or detected from the first line),
 * quoted fields with embedded separators, quotes ("") and line breaks. Every
 * error names the source, the line and the column.
 */
#ifndef PROXIMA_CORE_CSV_H
#define PROXIMA_CORE_CSV_H

#include "core/compat.h"
#include "core/err.h"
#include "core/strbuf.h"

enum csv_dialect { CSV_EXCEL, CSV_OPENDATA };

#define CSV_MAX_FIELDS 1024
#define CSV_MAX_FIELD_LEN (1 << 20)

struct csv_field {
    const char *p; /* NUL-terminated copy in the reader's buf; see csv_read_record */
    size_t n;
};

struct csv_reader {
    const char *name; /* source name for messages ("data/communes.csv") */
    const char *data;
    size_t len;
    size_t pos;
    char sep;
    size_t line;        /* line where the current record starts, 1-based */
    size_t next_line;   /* line where the next record starts */
    struct strbuf buf;  /* unescaped copies of the current record's fields */
    struct csv_field *fields;
    size_t nfields;
    size_t cap;
};

/*
 * Start reading data[0..len) (not copied: it must outlive the reader).
 * sep is ';' or ',', or 0 to detect it from the first line (the one of ';'
 * and ',' that occurs more often outside quotes; ';' on a tie). A UTF-8 BOM
 * is skipped.
 */
void csv_reader_init(struct csv_reader *r, const char *name, const char *data, size_t len,
                     char sep);
void csv_reader_release(struct csv_reader *r);

/*
 * Read the next record into r->fields / r->nfields.
 * Returns 1 when a record was read, 0 at the end of the data, -1 on error
 * (unterminated quote, text after a closing quote, too many fields, a field
 * over CSV_MAX_FIELD_LEN, invalid UTF-8, a NUL byte), with e naming source,
 * line, column. The column is the field's position in the record (1-based,
 * as a spreadsheet numbers them); the line is the physical line of the
 * offending byte (for an unterminated quote, the line of the opening quote).
 * Blank lines are skipped. A CR is a line break only before LF or at the end
 * of the data; elsewhere it is data. A quote inside an unquoted field is data.
 * Every field is copied into r->buf and NUL-terminated, so fields[i].p stays
 * valid until the next read. After an error the reader is at the end.
 */
int csv_read_record(struct csv_reader *r, struct err *e);

/* Field i of the current record as a NUL-terminated string (valid until the next read). */
const char *csv_field_str(struct csv_reader *r, size_t i);

/*
 * Map the columns of the current record (the header) to indexes: idx[k]
 * receives the position of names[k]. A missing required column is an error
 * naming it; an optional one (name starting with '?', which is not part of
 * the column name) gets -1. Names match exactly (case, spaces); a requested
 * column present twice is an error.
 */
int csv_header_map(struct csv_reader *r, const char *const *names, size_t count, int *idx,
                   struct err *e);

struct csv_writer {
    struct strbuf *out;
    enum csv_dialect dialect;
    char sep;
    size_t col;       /* fields written in the current record */
    size_t rec_start; /* out->len where the current record began */
};

/* Start writing to out; CSV_EXCEL writes the BOM at once. */
void csv_writer_init(struct csv_writer *w, struct strbuf *out, enum csv_dialect dialect);
/*
 * Write one text cell: quoted when it holds the separator, a quote, CR or LF
 * or starts with U+FEFF (which the reader would skip as a BOM at the start);
 * in CSV_EXCEL, neutralised by a leading apostrophe when it starts with
 * = + - @ TAB or CR. The bytes are written as given (the caller passes UTF-8).
 */
void csv_write_field(struct csv_writer *w, const char *s, size_t n);
void csv_write_str(struct csv_writer *w, const char *s);
/* A number cell, never neutralised: "-1234" stays a number in Excel. */
void csv_write_int(struct csv_writer *w, int64_t v);
/*
 * A number already formatted by the caller ("-1234,56" for CSV_EXCEL,
 * "-1234.56" for CSV_OPENDATA): written without neutralisation when it is
 * an optional '-' then digits with at most one ',' or '.' between digits;
 * anything else is written as a text cell (csv_write_field).
 */
void csv_write_num(struct csv_writer *w, const char *s, size_t n);
/*
 * End the record with CRLF. A record whose only field is empty is written
 * as "" so that the reader, which skips blank lines, still sees it.
 */
void csv_end_record(struct csv_writer *w);

#endif
