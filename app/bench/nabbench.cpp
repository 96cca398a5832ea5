#include "nabbench.h"

#include <algorithm>
#include <vector>

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include "foresight/prediction/healthbaseline.h"
#include "foresight/prediction/nabcorpus.h"
#include "foresight/prediction/nabscorer.h"

namespace foresight::bench {

namespace {

using prediction::HealthBaseline;
using prediction::HealthBaselineSettings;
using prediction::NabCorpus;
using prediction::NabCorpusResult;
using prediction::NabFileScores;

const QString kBench = QStringLiteral("nab");

// The published detectors each profile's score is printed beside, with the target ratio.
struct PublishedBaseline
{
    const char *detector; // key in final_results.json
    const char *label;
    std::optional<double> targetRatio;
};
const PublishedBaseline kBaselines[] = {
    {"numenta", "Numenta HTM (published)", 1.0},
    {"ARTime", "ARTime (published)", std::nullopt},
};

// The nab folder: dir/nab when dir holds one, else dir itself when it has NAB's layout.
QString nabDirectoryOf(const QString &datasetsDir)
{
    const QDir dir(datasetsDir);
    if (QFileInfo(dir.filePath(QStringLiteral("nab/labels/combined_windows.json"))).isFile())
        return dir.filePath(QStringLiteral("nab"));
    if (QFileInfo(dir.filePath(QStringLiteral("labels/combined_windows.json"))).isFile())
        return dir.path();
    return {};
}

QString defaultDatasetsDir()
{
    const QString fromEnvironment = qEnvironmentVariable("FORESIGHT_DATASETS");
    return fromEnvironment.isEmpty() ? QStringLiteral(FORESIGHT_DEFAULT_DATASETS) : fromEnvironment;
}

Figure scoreFigure(const QString &caseName, double value)
{
    Figure figure;
    figure.bench = kBench;
    figure.caseName = caseName;
    figure.figure = QStringLiteral("nab_score");
    figure.unit = QStringLiteral("normalized");
    figure.decimals = 2;
    figure.value = value;
    return figure;
}

// windowedGaussian's published per-row output, re-scored: the check that our scorer agrees with
// NAB's on this corpus. Empty when a results file is missing or malformed (*problem says why).
std::vector<std::vector<double>> windowedGaussianScores(const NabCorpus &corpus, QString *problem)
{
    std::vector<std::vector<double>> scores;
    for (const prediction::NabDataFile &file : corpus.files) {
        const QString path = QDir(corpus.directory)
                                 .filePath(QStringLiteral("results/windowedGaussian/%1/windowedGaussian_%2")
                                               .arg(file.relativePath.section(QLatin1Char('/'), 0, 0),
                                                    file.relativePath.section(QLatin1Char('/'), 1)));
        Result<prediction::NabTable> table = prediction::readNabCsv(path);
        if (!table) {
            *problem = table.error().toString();
            return {};
        }
        const std::vector<double> *column = table->column(QStringLiteral("anomaly_score"));
        if (!column || column->size() != file.values.size()) {
            *problem = path + QStringLiteral(": no anomaly_score column with one value per data row");
            return {};
        }
        scores.push_back(*column);
    }
    return scores;
}

std::vector<NabFileScores> filesOf(const NabCorpus &corpus, const std::vector<std::vector<double>> &scores)
{
    std::vector<NabFileScores> files;
    for (size_t f = 0; f < corpus.files.size(); ++f)
        files.push_back(NabFileScores{&corpus.files[f].labels, scores[f]});
    return files;
}

} // namespace

int runNabBench(const BenchOptions &options, const QString &datasetsDir)
{
    Q_UNUSED(options);
    const QString root = datasetsDir.isEmpty() ? defaultDatasetsDir() : datasetsDir;
    const QString nab = nabDirectoryOf(root);
    if (nab.isEmpty()) {
        const QString why = QStringLiteral("no NAB corpus under %1 (expected nab/labels/combined_windows.json there); "
                                           "pass --datasets DIR or set FORESIGHT_DATASETS to the folder holding nab/")
                                .arg(QDir::cleanPath(root));
        printNote(kBench, QStringLiteral("corpus"), why);
        logProgress(QStringLiteral("nab: ") + why);
        return 1;
    }

    logProgress(QStringLiteral("nab: loading %1").arg(nab));
    const Result<NabCorpus> corpus = prediction::loadNabCorpus(nab);
    if (!corpus) {
        printNote(kBench, QStringLiteral("corpus"), corpus.error().toString());
        logProgress(QStringLiteral("nab: ") + corpus.error().toString());
        return 1;
    }
    const Result<QMap<QString, QMap<QString, double>>> published = prediction::loadNabFinalResults(
        QDir(nab).filePath(QStringLiteral("results/final_results.json")));
    if (!published)
        printNote(kBench, QStringLiteral("baselines"), published.error().toString());

    std::int64_t rows = 0;
    for (const prediction::NabDataFile &file : corpus->files)
        rows += std::int64_t(file.values.size());
    const HealthBaselineSettings settings;
    printNote(kBench,
              QStringLiteral("method"),
              QStringLiteral("HealthBaseline with its default settings for every series (baselineWindow %1, "
                             "patternLength %2, patternHistory %3, coarseStep %4, coarseHistory %5, "
                             "referenceHistory %6, referenceQuantile %7, rangeHistory %8, rangeTolerance %9, "
                             "rangeWarmup %10, warmup %11, suppression %12), online over %13 series (%14 rows, %15 "
                             "windows) of %16; "
                             "NAB v1.1 scoring: probation 15%, one "
                             "threshold per profile chosen over the corpus, normalized 100 (raw - null) / "
                             "(perfect - null). Baselines are NAB's published scores, not re-run here.")
                  .arg(settings.baselineWindow)
                  .arg(settings.patternLength)
                  .arg(settings.patternHistory)
                  .arg(settings.coarseStep)
                  .arg(settings.coarseHistory)
                  .arg(settings.referenceHistory)
                  .arg(settings.referenceQuantile)
                  .arg(settings.rangeHistory)
                  .arg(settings.rangeTolerance)
                  .arg(settings.rangeWarmup)
                  .arg(settings.warmup)
                  .arg(settings.suppression)
                  .arg(corpus->files.size())
                  .arg(rows)
                  .arg(corpus->windowCount())
                  .arg(QDir::cleanPath(nab)));

    QElapsedTimer timer;
    timer.start();
    std::vector<std::vector<double>> scores;
    scores.reserve(corpus->files.size());
    for (const prediction::NabDataFile &file : corpus->files)
        scores.push_back(HealthBaseline::scoreSeries(file.values, settings));
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    const std::vector<NabFileScores> files = filesOf(*corpus, scores);

    QString wgProblem;
    const std::vector<std::vector<double>> wgScores = windowedGaussianScores(*corpus, &wgProblem);
    if (!wgProblem.isEmpty())
        printNote(kBench, QStringLiteral("windowedGaussian re-scored"), QStringLiteral("skipped: ") + wgProblem);

    // The standard profile first, as NAB's scoreboard lists them.
    std::vector<prediction::NabProfile> profiles = corpus->profiles;
    std::stable_partition(profiles.begin(), profiles.end(), [](const prediction::NabProfile &profile) {
        return profile.name == QLatin1String("standard");
    });
    int status = 0;
    for (const prediction::NabProfile &profile : profiles) {
        const Result<NabCorpusResult> result = prediction::scoreNabCorpus(files, profile);
        const QString caseName = profile.name + QStringLiteral(" profile");
        if (!result) {
            printNote(kBench, caseName, QStringLiteral("could not be scored: ") + result.error().toString());
            status = 1;
            continue;
        }
        printNote(kBench,
                  caseName,
                  QStringLiteral("threshold %1, raw score %2 (perfect %3, null %4); rows detected in windows %5, "
                                 "outside windows %6")
                      .arg(result->threshold, 0, 'f', 4)
                      .arg(result->rawScore, 0, 'f', 2)
                      .arg(result->perfectScore, 0, 'f', 0)
                      .arg(result->nullScore, 0, 'f', 0)
                      .arg(result->counts.truePositives)
                      .arg(result->counts.falsePositives));
        for (const PublishedBaseline &baseline : kBaselines) {
            Figure figure = scoreFigure(caseName, result->normalizedScore);
            if (published && published->contains(QLatin1String(baseline.detector))) {
                figure.baseline = QLatin1String(baseline.label);
                figure.baselineValue = published->value(QLatin1String(baseline.detector)).value(profile.name);
                figure.target = baseline.targetRatio;
            }
            printFigure(figure);
        }

        if (!wgScores.empty()) {
            const std::vector<NabFileScores> wgFiles = filesOf(*corpus, wgScores);
            const Result<NabCorpusResult> check = prediction::scoreNabCorpus(wgFiles, profile);
            if (!check) {
                printNote(kBench, caseName + QStringLiteral(", windowedGaussian re-scored"), check.error().toString());
                continue;
            }
            Figure figure = scoreFigure(caseName + QStringLiteral(", windowedGaussian re-scored"),
                                        check->normalizedScore);
            if (published && published->contains(QStringLiteral("windowedGaussian"))) {
                figure.baseline = QStringLiteral("windowedGaussian (published)");
                figure.baselineValue = published->value(QStringLiteral("windowedGaussian")).value(profile.name);
            }
            printFigure(figure);
        }
    }

    Figure speed;
    speed.bench = kBench;
    speed.caseName = QStringLiteral("detector speed");
    speed.figure = QStringLiteral("rows_per_s");
    speed.unit = QStringLiteral("1/s");
    speed.decimals = 0;
    speed.value = seconds > 0 ? double(rows) / seconds : 0.0;
    printFigure(speed);
    return status;
}

} // namespace foresight::bench
