#include "foresight/prediction/failureevaluation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>

namespace foresight::prediction {
namespace {

// ---- reading the datasets ------------------------------------------------------------------

// SMD ships as gzip. qUncompress() reads zlib streams with Qt's own 4-byte length prefix, not
// gzip files, and linking zlib just for this would add a dependency to the engine; `gzip -dc`
// is on every Debian host, streams, and its failure is easy to report.
Result<QByteArray> readFile(const QString &path)
{
    if (!QFileInfo::exists(path))
        return fail(ErrorCode::NotFound, QStringLiteral("%1 does not exist").arg(path));
    if (!path.endsWith(QStringLiteral(".gz"))) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        return file.readAll();
    }
    QProcess gzip;
    gzip.start(QStringLiteral("gzip"), {QStringLiteral("-dc"), path});
    if (!gzip.waitForStarted(10000))
        return fail(ErrorCode::IoError,
                    QStringLiteral("cannot run gzip to read %1 (%2); install gzip").arg(path, gzip.errorString()));
    QByteArray data;
    while (gzip.state() != QProcess::NotRunning) {
        gzip.waitForReadyRead(1000);
        data += gzip.readAllStandardOutput();
    }
    data += gzip.readAllStandardOutput();
    if (gzip.exitStatus() != QProcess::NormalExit || gzip.exitCode() != 0)
        return fail(ErrorCode::Corruption,
                    QStringLiteral("gzip could not decompress %1: %2")
                        .arg(path, QString::fromLocal8Bit(gzip.readAllStandardError()).trimmed()));
    return data;
}

struct Table
{
    int metrics = 0;
    std::vector<std::vector<double>> rows;
    std::vector<int> labels; // empty without a label column
};

// "t,m0..mN[,label]" with a header line.
Result<Table> readTable(const QString &path)
{
    auto data = readFile(path);
    if (!data)
        return std::unexpected(data.error());
    Table table;
    const QList<QByteArray> lines = data->split('\n');
    if (lines.isEmpty())
        return fail(ErrorCode::Corruption, QStringLiteral("%1 is empty").arg(path));
    const QList<QByteArray> header = lines.front().trimmed().split(',');
    const bool labelled = header.back() == "label";
    table.metrics = static_cast<int>(header.size()) - 1 - (labelled ? 1 : 0);
    if (header.front() != "t" || table.metrics < 1)
        return fail(ErrorCode::Corruption,
                    QStringLiteral("%1: the header is not t,m0,..[,label]: %2")
                        .arg(path, QString::fromUtf8(lines.front())));
    for (qsizetype l = 1; l < lines.size(); ++l) {
        const QByteArray line = lines[l].trimmed();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> cells = line.split(',');
        if (cells.size() != header.size())
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1 line %2: %3 fields, the header has %4")
                            .arg(path)
                            .arg(l + 1)
                            .arg(cells.size())
                            .arg(header.size()));
        std::vector<double> row(static_cast<size_t>(table.metrics));
        for (int m = 0; m < table.metrics; ++m) {
            bool ok = false;
            row[static_cast<size_t>(m)] = cells[m + 1].toDouble(&ok);
            if (!ok)
                return fail(ErrorCode::Corruption,
                            QStringLiteral("%1 line %2: %3 is not a number")
                                .arg(path)
                                .arg(l + 1)
                                .arg(QString::fromUtf8(cells[m + 1])));
        }
        table.rows.push_back(std::move(row));
        if (labelled)
            table.labels.push_back(cells.back().toDouble() != 0.0 ? 1 : 0);
    }
    return table;
}

QString dataFile(const QString &dir, const QString &machine, const QString &split)
{
    const QString plain = QDir(dir).filePath(machine + QLatin1Char('_') + split + QStringLiteral(".csv"));
    return QFileInfo::exists(plain) ? plain : plain + QStringLiteral(".gz");
}

// ---- scoring --------------------------------------------------------------------------------

struct Tally
{
    qint64 tp = 0, fp = 0, fn = 0;
    qint64 paTp = 0, paFp = 0, paFn = 0;
    int segments = 0, detected = 0, early = 0;
    std::vector<double> leads;

    void add(const Tally &other)
    {
        tp += other.tp, fp += other.fp, fn += other.fn;
        paTp += other.paTp, paFp += other.paFp, paFn += other.paFn;
        segments += other.segments, detected += other.detected, early += other.early;
        leads.insert(leads.end(), other.leads.begin(), other.leads.end());
    }
};

Tally tally(const std::vector<int> &flags, const std::vector<int> &incident, int horizon)
{
    Tally t;
    const std::vector<float> target = horizonLabels(incident, horizon);
    const size_t rows = flags.size();
    for (size_t r = 0; r < rows; ++r) {
        const bool flagged = flags[r] != 0, positive = target[r] != 0.0f;
        t.tp += flagged && positive;
        t.fp += flagged && !positive;
        t.fn += !flagged && positive;
    }
    t.paFp = t.fp;
    for (size_t r = 0; r < rows;) {
        if (target[r] == 0.0f) {
            ++r;
            continue;
        }
        size_t end = r;
        bool hit = false;
        for (; end < rows && target[end] != 0.0f; ++end)
            hit = hit || flags[end] != 0;
        (hit ? t.paTp : t.paFn) += static_cast<qint64>(end - r);
        r = end;
    }
    for (size_t s = 0; s < rows;) {
        if (incident[s] == 0) {
            ++s;
            continue;
        }
        size_t e = s;
        while (e + 1 < rows && incident[e + 1] != 0)
            ++e;
        ++t.segments;
        const size_t from = s > static_cast<size_t>(horizon) ? s - static_cast<size_t>(horizon) : 0;
        for (size_t f = from; f <= e; ++f) {
            if (flags[f] != 0) {
                ++t.detected;
                t.early += f < s;
                t.leads.push_back(static_cast<double>(s) - static_cast<double>(f));
                break;
            }
        }
        s = e + 1;
    }
    return t;
}

double ratio(qint64 a, qint64 b)
{
    return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

double harmonic(double p, double r)
{
    return p + r > 0.0 ? 2.0 * p * r / (p + r) : 0.0;
}

DetectionFigures figures(Tally t, double minutesPerRow)
{
    DetectionFigures f;
    f.truePositives = t.tp;
    f.falsePositives = t.fp;
    f.falseNegatives = t.fn;
    f.precision = ratio(t.tp, t.tp + t.fp);
    f.recall = ratio(t.tp, t.tp + t.fn);
    f.f1 = harmonic(f.precision, f.recall);
    f.precisionAdjusted = ratio(t.paTp, t.paTp + t.paFp);
    f.recallAdjusted = ratio(t.paTp, t.paTp + t.paFn);
    f.f1Adjusted = harmonic(f.precisionAdjusted, f.recallAdjusted);
    f.segments = t.segments;
    f.segmentsDetected = t.detected;
    f.segmentsEarly = t.early;
    if (!t.leads.empty()) {
        f.meanLeadRows = std::accumulate(t.leads.begin(), t.leads.end(), 0.0) / static_cast<double>(t.leads.size());
        std::sort(t.leads.begin(), t.leads.end());
        const size_t n = t.leads.size();
        f.medianLeadRows = n % 2 ? t.leads[n / 2] : (t.leads[n / 2 - 1] + t.leads[n / 2]) / 2.0;
        f.meanLeadMinutes = f.meanLeadRows * minutesPerRow;
        f.medianLeadMinutes = f.medianLeadRows * minutesPerRow;
    }
    return f;
}

// ---- per-machine preparation ---------------------------------------------------------------

struct Machine
{
    QString name;
    int metrics = 0;
    std::vector<std::vector<double>> rows; // train split, then test split (after stride)
    std::vector<int> incident;             // per row; 0 on the train split
    size_t trainRows = 0;
    size_t cut = 0; // first scored row: trainRows + evalFraction x test rows
    FeatureMatrix features;
    std::vector<double> health;              // per row, max over metrics (empty when disabled)
    std::vector<std::vector<double>> sorted; // per metric, the train split's values, sorted

    size_t end() const { return rows.size(); }
};

// Rows [from, to) of a matrix.
void appendRows(const FeatureMatrix &source, size_t from, size_t to, FeatureMatrix &target)
{
    target.values.insert(target.values.end(),
                         source.values.begin() + static_cast<std::ptrdiff_t>(from * source.columns()),
                         source.values.begin() + static_cast<std::ptrdiff_t>(to * source.columns()));
    target.rows += to - from;
}

std::vector<int> slice(const std::vector<int> &values, size_t from, size_t to)
{
    return std::vector<int>(values.begin() + static_cast<std::ptrdiff_t>(from),
                            values.begin() + static_cast<std::ptrdiff_t>(to));
}

double quantile(const std::vector<double> &sorted, double q)
{
    if (sorted.empty())
        return 0.0;
    const auto index = static_cast<size_t>(std::llround(q * static_cast<double>(sorted.size() - 1)));
    return sorted[std::min(index, sorted.size() - 1)];
}

Result<Machine> prepare(const QString &dir, const QString &name, const FailureEvaluationOptions &options)
{
    auto data = loadMachine(dir, name);
    if (!data)
        return std::unexpected(data.error());
    Machine m;
    m.name = name;
    m.metrics = data->metricCount;
    const auto stride = static_cast<size_t>(options.stride);
    size_t firstTrain = 0;
    const size_t trainKept = (data->train.size() + stride - 1) / stride;
    if (options.maxTrainRows > 0 && trainKept > static_cast<size_t>(options.maxTrainRows))
        firstTrain = (trainKept - static_cast<size_t>(options.maxTrainRows)) * stride;
    for (size_t r = firstTrain; r < data->train.size(); r += stride) {
        m.rows.push_back(std::move(data->train[r]));
        m.incident.push_back(0);
    }
    m.trainRows = m.rows.size();
    for (size_t r = 0; r < data->test.size(); r += stride) {
        m.rows.push_back(std::move(data->test[r]));
        m.incident.push_back(data->testLabels[r]);
    }
    const size_t testRows = m.rows.size() - m.trainRows;
    m.cut = m.trainRows + static_cast<size_t>(std::floor(options.evalFraction * static_cast<double>(testRows)));

    // The machine's own normal behaviour, from its train split (which precedes every scored row).
    FailureFeatureSettings settings = options.features;
    if (options.referenceFeatures && m.trainRows > 1) {
        settings.references.resize(static_cast<size_t>(m.metrics));
        for (size_t k = 0; k < settings.references.size(); ++k) {
            std::vector<double> values;
            for (size_t r = 0; r < m.trainRows; ++r)
                values.push_back(m.rows[r][k]);
            const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
            double ss = 0.0;
            for (double v : values)
                ss += (v - mean) * (v - mean);
            std::sort(values.begin(), values.end());
            settings.references[k] = {mean,
                                      std::sqrt(ss / static_cast<double>(values.size())),
                                      quantile(values, 0.001),
                                      quantile(values, 0.999)};
        }
    }
    auto features = FailureFeatureExtractor::compute(m.rows, m.metrics, settings);
    if (!features)
        return fail(features.error().code, QStringLiteral("%1: %2").arg(name, features.error().message));
    m.features = std::move(*features);

    m.sorted.resize(static_cast<size_t>(m.metrics));
    for (size_t k = 0; k < m.sorted.size(); ++k) {
        for (size_t r = 0; r < m.trainRows; ++r)
            m.sorted[k].push_back(m.rows[r][k]);
        std::sort(m.sorted[k].begin(), m.sorted[k].end());
    }

    if (options.healthBaseline) {
        m.health.assign(m.rows.size(), 0.0);
        std::vector<double> series(m.rows.size());
        for (int k = 0; k < m.metrics; ++k) {
            for (size_t r = 0; r < m.rows.size(); ++r)
                series[r] = m.rows[r][static_cast<size_t>(k)];
            const std::vector<double> scores = HealthBaseline::scoreSeries(series, options.healthSettings);
            for (size_t r = 0; r < scores.size(); ++r)
                m.health[r] = std::max(m.health[r], scores[r]);
        }
    }
    return m;
}

std::vector<int> staticFlags(const Machine &m, size_t from, size_t to, double q, double margin)
{
    std::vector<double> lo(static_cast<size_t>(m.metrics)), hi(static_cast<size_t>(m.metrics));
    for (size_t k = 0; k < lo.size(); ++k) {
        lo[k] = quantile(m.sorted[k], 1.0 - q) - margin;
        hi[k] = quantile(m.sorted[k], q) + margin;
    }
    std::vector<int> flags(to - from, 0);
    for (size_t r = from; r < to; ++r) {
        for (size_t k = 0; k < lo.size(); ++k) {
            const double v = m.rows[r][k];
            if (v < lo[k] || v > hi[k]) {
                flags[r - from] = 1;
                break;
            }
        }
    }
    return flags;
}

std::vector<int> thresholded(const std::vector<double> &scores, size_t from, size_t to, double threshold)
{
    std::vector<int> flags(to - from);
    for (size_t r = from; r < to; ++r)
        flags[r - from] = scores[r] >= threshold ? 1 : 0;
    return flags;
}

// The threshold of `candidates` with the best F1 pooled over the given (scores, incident) rows.
double bestThreshold(const std::vector<std::pair<std::vector<double>, std::vector<int>>> &training,
                     const std::vector<double> &candidates,
                     int horizon)
{
    double best = candidates.front(), bestF1 = -1.0;
    for (double threshold : candidates) {
        Tally pooled;
        for (const auto &[scores, incident] : training)
            pooled.add(tally(thresholded(scores, 0, scores.size(), threshold), incident, horizon));
        const double f1 = harmonic(ratio(pooled.tp, pooled.tp + pooled.fp), ratio(pooled.tp, pooled.tp + pooled.fn));
        if (f1 > bestF1) {
            bestF1 = f1;
            best = threshold;
        }
    }
    return best;
}

struct MethodTally
{
    Tally withHorizon, labelsOnly;
    void add(const std::vector<int> &flags, const std::vector<int> &incident, int horizon, Tally *h, Tally *l)
    {
        *h = tally(flags, incident, horizon);
        *l = tally(flags, incident, 0);
        withHorizon.add(*h);
        labelsOnly.add(*l);
    }
    MethodFigures finish(double minutesPerRow, double threshold, double margin = 0.0) const
    {
        MethodFigures f{figures(withHorizon, minutesPerRow), figures(labelsOnly, minutesPerRow)};
        f.withHorizon.threshold = f.labelsOnly.threshold = threshold;
        f.withHorizon.margin = f.labelsOnly.margin = margin;
        return f;
    }
};

// Scores flags of one held-out machine into its own figures and the dataset's pooled tallies.
MethodFigures scoreMachine(const std::vector<int> &flags,
                           const std::vector<int> &incident,
                           int horizon,
                           double minutesPerRow,
                           double threshold,
                           double margin,
                           MethodTally &pooled)
{
    MethodTally own;
    Tally h, l;
    pooled.add(flags, incident, horizon, &h, &l);
    own.withHorizon = h;
    own.labelsOnly = l;
    return own.finish(minutesPerRow, threshold, margin);
}

Result<DatasetEvaluation> evaluateDataset(const QString &dataset, const FailureEvaluationOptions &options)
{
    const QString dir = QDir(options.datasetsDir).filePath(dataset);
    auto names = listMachines(dir);
    if (!names)
        return std::unexpected(names.error());
    if (options.maxMachines > 0 && names->size() > options.maxMachines)
        *names = names->mid(0, options.maxMachines);
    if (names->size() < 2)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: leave-one-machine-out needs at least 2 machines, found %2")
                        .arg(dir)
                        .arg(names->size()));

    std::vector<Machine> machines;
    for (const QString &name : *names) {
        auto machine = prepare(dir, name, options);
        if (!machine)
            return std::unexpected(machine.error());
        machines.push_back(std::move(*machine));
    }

    DatasetEvaluation result;
    result.dataset = dataset;
    result.machines = static_cast<int>(machines.size());
    const double period = dataset == QStringLiteral("asd") ? 5.0 : 1.0;
    result.minutesPerRow = period * options.stride;
    const int horizon = options.horizon;

    // A machine's training rows: its test split before the cut (or all of it when evalFraction
    // is 0, the classic protocol).
    auto trainingRange = [&](const Machine &m) {
        return std::pair<size_t, size_t>(m.trainRows, options.evalFraction > 0.0 ? m.cut : m.end());
    };

    std::vector<double> modelCandidates, healthCandidates;
    for (int i = 1; i < 100; ++i)
        modelCandidates.push_back(i / 100.0);
    for (int i = 30; i < 100; ++i)
        healthCandidates.push_back(i / 100.0);
    const double quantiles[] = {0.99, 0.995, 0.999, 1.0};
    const double margins[] = {0.0, 0.02, 0.05, 0.1, 0.2};

    MethodTally model, fixed, health;
    for (size_t held = 0; held < machines.size(); ++held) {
        const Machine &target = machines[held];
        // --- model: train on the other machines' training rows
        std::vector<size_t> others;
        for (size_t j = 0; j < machines.size(); ++j) {
            if (j != held)
                others.push_back(j);
        }
        auto trainOn = [&](const std::vector<size_t> &group) -> Result<FailurePredictor> {
            FeatureMatrix training;
            training.names = target.features.names;
            std::vector<float> labels;
            for (size_t j : group) {
                const auto [from, to] = trainingRange(machines[j]);
                appendRows(machines[j].features, from, to, training);
                // Labels from the training rows alone: nothing after `to` is known at training time.
                const std::vector<float> part = horizonLabels(slice(machines[j].incident, from, to), horizon);
                labels.insert(labels.end(), part.begin(), part.end());
            }
            FailurePredictor trained;
            if (auto status = trained.train(training, labels, options.params); !status)
                return std::unexpected(status.error());
            return trained;
        };
        // (scores, incident) of each training machine's rows, from the given model.
        auto scoreGroup = [&](const FailurePredictor &predictor,
                              const std::vector<size_t> &group,
                              std::vector<std::pair<std::vector<double>, std::vector<int>>> &out) -> Status {
            for (size_t j : group) {
                const auto [from, to] = trainingRange(machines[j]);
                FeatureMatrix rows;
                rows.names = target.features.names;
                appendRows(machines[j].features, from, to, rows);
                auto scores = predictor.predict(rows);
                if (!scores)
                    return std::unexpected(scores.error());
                out.emplace_back(std::vector<double>(scores->begin(), scores->end()),
                                 slice(machines[j].incident, from, to));
            }
            return {};
        };
        auto trained = trainOn(others);
        if (!trained)
            return fail(trained.error().code,
                        QStringLiteral("%1, holding out %2: %3").arg(dataset, target.name, trained.error().message));
        const FailurePredictor &predictor = *trained;
        // The threshold comes from out-of-fold scores where possible: the training machines split
        // in two halves, each scored by a model trained on the other half. In-sample scores of a
        // boosted ensemble are overconfident and would pick a threshold too high for new machines.
        std::vector<std::pair<std::vector<double>, std::vector<int>>> modelTraining;
        if (others.size() >= 4) {
            std::vector<size_t> halves[2];
            for (size_t i = 0; i < others.size(); ++i)
                halves[i % 2].push_back(others[i]);
            auto first = trainOn(halves[0]);
            auto second = trainOn(halves[1]);
            if (first && second) {
                if (auto status = scoreGroup(*first, halves[1], modelTraining); !status)
                    return std::unexpected(status.error());
                if (auto status = scoreGroup(*second, halves[0], modelTraining); !status)
                    return std::unexpected(status.error());
            }
        }
        if (modelTraining.empty()) { // too few machines, or a half without incidents: in-sample
            if (auto status = scoreGroup(predictor, others, modelTraining); !status)
                return std::unexpected(status.error());
        }
        const double modelThreshold = bestThreshold(modelTraining, modelCandidates, horizon);

        const size_t from = options.evalFraction > 0.0 ? target.cut : target.trainRows;
        const size_t to = target.end();
        FeatureMatrix scored;
        scored.names = target.features.names;
        appendRows(target.features, from, to, scored);
        auto scores = predictor.predict(scored);
        if (!scores)
            return std::unexpected(scores.error());
        std::vector<double> padded(to, 0.0);
        std::copy(scores->begin(), scores->end(), padded.begin() + static_cast<std::ptrdiff_t>(from));
        const std::vector<int> incident = slice(target.incident, from, to);

        MachineEvaluation machine;
        machine.machine = target.name;
        machine.scoredRows = static_cast<int>(to - from);
        machine.model = scoreMachine(thresholded(padded, from, to, modelThreshold),
                                     incident,
                                     horizon,
                                     result.minutesPerRow,
                                     modelThreshold,
                                     0.0,
                                     model);

        // --- static threshold: (q, margin) chosen on the other machines' training rows
        double bestQ = 1.0, bestMargin = 0.0, bestF1 = -1.0;
        for (double q : quantiles) {
            for (double margin : margins) {
                Tally pooled;
                for (size_t j = 0; j < machines.size(); ++j) {
                    if (j == held)
                        continue;
                    const auto [a, b] = trainingRange(machines[j]);
                    pooled.add(
                        tally(staticFlags(machines[j], a, b, q, margin), slice(machines[j].incident, a, b), horizon));
                }
                const double f1 = harmonic(ratio(pooled.tp, pooled.tp + pooled.fp),
                                           ratio(pooled.tp, pooled.tp + pooled.fn));
                if (f1 > bestF1) {
                    bestF1 = f1;
                    bestQ = q;
                    bestMargin = margin;
                }
            }
        }
        machine.staticThreshold = scoreMachine(staticFlags(target, from, to, bestQ, bestMargin),
                                               incident,
                                               horizon,
                                               result.minutesPerRow,
                                               bestQ,
                                               bestMargin,
                                               fixed);

        // --- HealthBaseline: threshold chosen on the other machines' training rows
        if (options.healthBaseline) {
            std::vector<std::pair<std::vector<double>, std::vector<int>>> healthTraining;
            for (size_t j = 0; j < machines.size(); ++j) {
                if (j == held)
                    continue;
                const auto [a, b] = trainingRange(machines[j]);
                healthTraining.emplace_back(std::vector<double>(machines[j].health.begin()
                                                                    + static_cast<std::ptrdiff_t>(a),
                                                                machines[j].health.begin()
                                                                    + static_cast<std::ptrdiff_t>(b)),
                                            slice(machines[j].incident, a, b));
            }
            const double healthThreshold = bestThreshold(healthTraining, healthCandidates, horizon);
            machine.healthBaseline = scoreMachine(thresholded(target.health, from, to, healthThreshold),
                                                  incident,
                                                  horizon,
                                                  result.minutesPerRow,
                                                  healthThreshold,
                                                  0.0,
                                                  health);
        }
        result.scoredRows += machine.scoredRows;
        result.perMachine << machine;
    }
    // Pooled figures carry no single threshold: each fold chose its own (see perMachine).
    result.model = model.finish(result.minutesPerRow, 0.0);
    result.staticThreshold = fixed.finish(result.minutesPerRow, 0.0);
    result.healthBaseline = health.finish(result.minutesPerRow, 0.0);
    return result;
}

} // namespace

Status FailureEvaluationOptions::validate() const
{
    if (datasetsDir.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("no datasets directory given"));
    for (const QString &dataset : datasets) {
        if (dataset != QStringLiteral("asd") && dataset != QStringLiteral("smd"))
            return fail(ErrorCode::InvalidArgument, QStringLiteral("unknown dataset %1 (known: asd, smd)").arg(dataset));
    }
    if (maxMachines < 0 || maxMachines == 1)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("maxMachines %1: 0 (all) or at least 2").arg(maxMachines));
    if (stride < 1 || stride > 1000)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("stride %1 is out of range (1 .. 1000)").arg(stride));
    if (maxTrainRows < 0)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("maxTrainRows %1 must be >= 0").arg(maxTrainRows));
    if (!(evalFraction >= 0.0 && evalFraction <= 0.95))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("evalFraction %1 is out of range [0, 0.95]").arg(evalFraction));
    if (horizon < 0 || horizon > 100000)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("horizon %1 is out of range (0 .. 100000)").arg(horizon));
    if (auto status = params.validate(); !status)
        return status;
    if (healthBaseline) {
        if (auto status = healthSettings.validate(); !status)
            return status;
    }
    return {};
}

QJsonObject DetectionFigures::toJson() const
{
    return QJsonObject{
        {QStringLiteral("threshold"), threshold},
        {QStringLiteral("margin"), margin},
        {QStringLiteral("tp"), truePositives},
        {QStringLiteral("fp"), falsePositives},
        {QStringLiteral("fn"), falseNegatives},
        {QStringLiteral("precision"), precision},
        {QStringLiteral("recall"), recall},
        {QStringLiteral("f1"), f1},
        {QStringLiteral("precision_pa"), precisionAdjusted},
        {QStringLiteral("recall_pa"), recallAdjusted},
        {QStringLiteral("f1_pa"), f1Adjusted},
        {QStringLiteral("segments"), segments},
        {QStringLiteral("segments_detected"), segmentsDetected},
        {QStringLiteral("segments_early"), segmentsEarly},
        {QStringLiteral("mean_lead_rows"), meanLeadRows},
        {QStringLiteral("median_lead_rows"), medianLeadRows},
        {QStringLiteral("mean_lead_minutes"), meanLeadMinutes},
        {QStringLiteral("median_lead_minutes"), medianLeadMinutes},
    };
}

QJsonObject MethodFigures::toJson() const
{
    return QJsonObject{{QStringLiteral("with_horizon"), withHorizon.toJson()},
                       {QStringLiteral("labels_only"), labelsOnly.toJson()}};
}

QJsonObject DatasetEvaluation::toJson() const
{
    QJsonArray machinesJson;
    for (const MachineEvaluation &m : perMachine) {
        machinesJson.append(QJsonObject{{QStringLiteral("machine"), m.machine},
                                        {QStringLiteral("scored_rows"), m.scoredRows},
                                        {QStringLiteral("model"), m.model.toJson()},
                                        {QStringLiteral("static_threshold"), m.staticThreshold.toJson()},
                                        {QStringLiteral("health_baseline"), m.healthBaseline.toJson()}});
    }
    return QJsonObject{{QStringLiteral("dataset"), dataset},
                       {QStringLiteral("minutes_per_row"), minutesPerRow},
                       {QStringLiteral("machines"), machines},
                       {QStringLiteral("scored_rows"), scoredRows},
                       {QStringLiteral("model"), model.toJson()},
                       {QStringLiteral("static_threshold"), staticThreshold.toJson()},
                       {QStringLiteral("health_baseline"), healthBaseline.toJson()},
                       {QStringLiteral("per_machine"), machinesJson}};
}

QJsonObject FailureEvaluationResult::toJson() const
{
    QJsonArray list;
    for (const DatasetEvaluation &d : datasets)
        list.append(d.toJson());
    return QJsonObject{{QStringLiteral("datasets"), list}, {QStringLiteral("seconds"), seconds}};
}

DetectionFigures scoreDetections(const std::vector<int> &flags,
                                 const std::vector<int> &incident,
                                 int horizon,
                                 double minutesPerRow)
{
    if (flags.size() != incident.size())
        return {};
    return figures(tally(flags, incident, std::max(horizon, 0)), minutesPerRow);
}

Result<QStringList> listMachines(const QString &datasetDir)
{
    const QDir dir(datasetDir);
    if (!dir.exists())
        return fail(ErrorCode::NotFound, QStringLiteral("dataset directory %1 does not exist").arg(datasetDir));
    QStringList names;
    for (const QString &file :
         dir.entryList({QStringLiteral("*_train.csv"), QStringLiteral("*_train.csv.gz")}, QDir::Files, QDir::Name)) {
        names << file.left(file.indexOf(QStringLiteral("_train.csv")));
    }
    names.removeDuplicates();
    if (names.isEmpty())
        return fail(ErrorCode::NotFound, QStringLiteral("%1 holds no *_train.csv[.gz] files").arg(datasetDir));
    return names;
}

Result<MachineData> loadMachine(const QString &datasetDir, const QString &machine)
{
    auto train = readTable(dataFile(datasetDir, machine, QStringLiteral("train")));
    if (!train)
        return std::unexpected(train.error());
    auto test = readTable(dataFile(datasetDir, machine, QStringLiteral("test")));
    if (!test)
        return std::unexpected(test.error());
    if (test->labels.size() != test->rows.size())
        return fail(ErrorCode::Corruption, QStringLiteral("%1: the test split has no label column").arg(machine));
    if (train->metrics != test->metrics)
        return fail(ErrorCode::Corruption,
                    QStringLiteral("%1: train has %2 metrics, test %3")
                        .arg(machine)
                        .arg(train->metrics)
                        .arg(test->metrics));
    MachineData data;
    data.name = machine;
    data.metricCount = train->metrics;
    data.train = std::move(train->rows);
    data.test = std::move(test->rows);
    data.testLabels = std::move(test->labels);
    return data;
}

Result<FailureEvaluationResult> runFailureEvaluation(const FailureEvaluationOptions &options)
{
    if (auto status = options.validate(); !status)
        return std::unexpected(status.error());
    QElapsedTimer timer;
    timer.start();
    FailureEvaluationResult result;
    for (const QString &dataset : options.datasets) {
        auto evaluation = evaluateDataset(dataset, options);
        if (!evaluation)
            return std::unexpected(evaluation.error());
        result.datasets << *evaluation;
    }
    result.seconds = static_cast<double>(timer.elapsed()) / 1000.0;
    return result;
}

} // namespace foresight::prediction
