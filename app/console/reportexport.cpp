#include "reportexport.h"

#include <QSaveFile>

#include "foresight/report/incidentreport.h"
#include "foresight/report/reportpdf.h"

using namespace foresight;

namespace {

constexpr int kIncidentsListed = 500;

Status saveBytes(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return fail(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace

widgets::ReportExportDialog::Source reportSource(const QString &storePath)
{
    widgets::ReportExportDialog::Source source;
    source.incidents = [storePath]() -> Result<QList<storage::Incident>> {
        auto store = storage::ConsoleStore::open(storePath);
        if (!store)
            return std::unexpected(store.error());
        return (*store)->incidents({}, kIncidentsListed);
    };
    source.write = [storePath](qint64 id, const QString &format, const QString &path) -> Status {
        auto store = storage::ConsoleStore::open(storePath);
        if (!store)
            return std::unexpected(store.error());
        auto built = report::IncidentReport::build(**store, id);
        if (!built)
            return std::unexpected(built.error());
        if (format == QLatin1String("pdf"))
            return report::writePdf(*built, path);
        return saveBytes(path, format == QLatin1String("html") ? report::toHtml(*built) : report::toJson(*built));
    };
    return source;
}
