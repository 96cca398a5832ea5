#pragma once

#include <QByteArray>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/report/incidentreport.h"

namespace foresight::report {

// An incident report as a PDF laid out for reading: A4 portrait, 18 mm margins; page 1 holds the
// title and the summary box, then the timeline, the operator actions and the data loss follow;
// the host-metric charts (axes, labels, legend, the detection and promotion marked) start on a
// page of their own, then the journal. Tables break across pages and repeat their header; text
// wraps (at word boundaries, else anywhere), it is never cut. Every page's footer names the
// incident and says "page N of M".
//
// Needs a QGuiApplication (fonts come from the platform plugin): create one before calling, with
// QT_QPA_PLATFORM=offscreen where there is no display (foresightctl, headless consoles, tests).
// Without one the functions fail with InvalidArgument instead of crashing. Call them on the
// thread that owns the QGuiApplication, or on one worker at a time (QPainter on a QPdfWriter does
// not touch the GUI, but font loading is not meant for many threads at once).

// The PDF's bytes.
Result<QByteArray> renderPdf(const IncidentReport &report);

// Writes the PDF to path atomically (a temporary file renamed over it): IoError naming the file
// when it cannot be written; any earlier file at path is then left as it was.
Status writePdf(const IncidentReport &report, const QString &path);

} // namespace foresight::report
