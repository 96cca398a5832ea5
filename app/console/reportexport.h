#pragma once

#include <QString>

#include "dialogs/reportexportdialog.h"

// File > Export incident report… on the console store at storePath: each call (on a pool thread)
// opens a connection of its own (a ConsoleStore belongs to one thread), reads the incidents or
// builds one report, and writes it as JSON, HTML or PDF (atomically: a failed write leaves no
// half file).
foresight::widgets::ReportExportDialog::Source reportSource(const QString &storePath);
