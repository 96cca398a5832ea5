#include "foresight/prediction/nabscorer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace foresight::prediction {

namespace {

constexpr double kProbationFraction = 0.15;
constexpr int kMaxProbation = 750; // 0.15 * 5000 in NAB's sweeper

// NAB's "nothing detected" threshold. Scores at or above it are never reported by NAB's detectors;
// should a detector report one, the sentinel moves just above the highest score instead.
constexpr double kNothingDetected = 1.1;

// What one scorable row (after probation) contributes once it is a detection.
struct ScorableRow
{
    double anomalyScore;
    double weight;
    int window; // corpus-wide window number, -1 outside windows
};

Status checkScores(const NabFileScores &file, qsizetype position)
{
    if (!file.labels)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("file %1 has no labels").arg(position));
    if (std::ssize(file.anomalyScores) != file.labels->rowCount)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("file %1 has %2 anomaly scores for %3 rows")
                        .arg(position)
                        .arg(file.anomalyScores.size())
                        .arg(file.labels->rowCount));
    for (qsizetype i = 0; i < qsizetype(file.anomalyScores.size()); ++i) {
        if (!std::isfinite(file.anomalyScores[size_t(i)]))
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("file %1: the anomaly score of row %2 is not finite").arg(position).arg(i));
    }
    return validateNabLabels(*file.labels);
}

// For each row: the window it is in, or -1.
std::vector<int> windowOfRow(const NabLabels &labels)
{
    std::vector<int> result(size_t(labels.rowCount), -1);
    for (int w = 0; w < int(labels.windows.size()); ++w) {
        for (int i = labels.windows[size_t(w)].first; i <= labels.windows[size_t(w)].last; ++i)
            result[size_t(i)] = w;
    }
    return result;
}

// The windows with at least one row after probation: the ones that can be missed.
int scorableWindowCount(const NabLabels &labels)
{
    const int probation = nabProbationLength(labels.rowCount);
    return int(std::count_if(labels.windows.begin(), labels.windows.end(), [&](const NabWindow &window) {
        return window.last >= probation;
    }));
}

} // namespace

std::vector<NabProfile> nabStandardProfiles()
{
    return {
        NabProfile{QStringLiteral("standard"), 1.0, 1.0, 0.11},
        NabProfile{QStringLiteral("reward_low_FP_rate"), 1.0, 1.0, 0.22},
        NabProfile{QStringLiteral("reward_low_FN_rate"), 1.0, 2.0, 0.11},
    };
}

Status validateNabLabels(const NabLabels &labels)
{
    if (labels.rowCount < 0)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("negative row count %1").arg(labels.rowCount));
    int previousLast = -1;
    for (size_t w = 0; w < labels.windows.size(); ++w) {
        const NabWindow &window = labels.windows[w];
        if (window.first > window.last || window.first < 0 || window.last >= labels.rowCount)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("window %1 [%2, %3] is empty or outside rows [0, %4)")
                            .arg(w)
                            .arg(window.first)
                            .arg(window.last)
                            .arg(labels.rowCount));
        if (window.first <= previousLast)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("window %1 [%2, %3] starts before the previous window ends (row %4)")
                            .arg(w)
                            .arg(window.first)
                            .arg(window.last)
                            .arg(previousLast));
        previousLast = window.last;
    }
    return {};
}

int nabProbationLength(int rowCount)
{
    return std::min(int(std::floor(kProbationFraction * rowCount)), kMaxProbation);
}

double nabScaledSigmoid(double y)
{
    // "> 3", as nab/scorer.py has it and as NAB's published per-row scores were computed; the
    // later nab/sweeper.py says ">= 3", which differs only at exactly 3 (by 6e-7).
    if (y > 3.0)
        return -1.0;
    return 2.0 / (1.0 + std::exp(5.0 * y)) - 1.0;
}

std::vector<double> nabRowWeights(const NabLabels &labels, const NabProfile &profile)
{
    // A transcription of NAB's Sweeper.calcSweepScore, kept in the same arithmetic order so that
    // the weights match NAB's to the last bit or two; before the first window the weight is -A_FP
    // exactly, as in nab/scorer.py (the sweeper's S(3) differs from -1 by 6e-7).
    const double maxTp = nabScaledSigmoid(-1.0);
    std::vector<double> weights(size_t(labels.rowCount));
    size_t nextWindow = 0;
    const NabWindow *current = nullptr;
    const NabWindow *previous = nullptr;
    for (int i = 0; i < labels.rowCount; ++i) {
        if (!current && nextWindow < labels.windows.size() && labels.windows[nextWindow].first == i)
            current = &labels.windows[nextWindow++];
        if (current) {
            const double width = double(current->last - current->first + 1);
            const double position = -double(current->last - i + 1) / width;
            weights[size_t(i)] = nabScaledSigmoid(position) * profile.tpWeight / maxTp;
        } else {
            const int previousWidth = previous ? previous->last - previous->first + 1 : 0;
            weights[size_t(i)] = previousWidth > 1 ? nabScaledSigmoid(double(std::abs(previous->last - i))
                                                                      / double(previousWidth - 1))
                                                         * profile.fpWeight
                                                   : -profile.fpWeight;
        }
        if (current && current->last == i) {
            previous = current;
            current = nullptr;
        }
    }
    return weights;
}

Result<NabFileResult> scoreNabFile(const NabFileScores &file, const NabProfile &profile, double threshold)
{
    if (Status ok = checkScores(file, 0); !ok)
        return std::unexpected(ok.error());
    const NabLabels &labels = *file.labels;
    const std::vector<double> weights = nabRowWeights(labels, profile);
    const std::vector<int> windows = windowOfRow(labels);
    const int probation = nabProbationLength(labels.rowCount);

    NabFileResult result;
    result.rowScores.assign(size_t(labels.rowCount), 0.0);
    std::vector<double> best(labels.windows.size(), -profile.fnWeight);
    double fpScore = 0.0;
    for (int i = probation; i < labels.rowCount; ++i) {
        const bool detected = file.anomalyScores[size_t(i)] >= threshold;
        const int window = windows[size_t(i)];
        if (window >= 0) {
            if (detected) {
                ++result.counts.truePositives;
                best[size_t(window)] = std::max(best[size_t(window)], weights[size_t(i)]);
            } else {
                ++result.counts.falseNegatives;
            }
        } else if (detected) {
            ++result.counts.falsePositives;
            fpScore += weights[size_t(i)];
            result.rowScores[size_t(i)] = weights[size_t(i)];
        } else {
            ++result.counts.trueNegatives;
        }
    }
    result.score = fpScore;
    for (size_t w = 0; w < labels.windows.size(); ++w) {
        if (labels.windows[w].last >= probation) {
            result.score += best[w];
            result.rowScores[size_t(labels.windows[w].first)] = best[w];
        }
    }
    return result;
}

Result<NabCorpusResult> scoreNabCorpus(std::span<const NabFileScores> files, const NabProfile &profile)
{
    NabCorpusResult result;
    result.profile = profile.name;

    // Every scorable row of the corpus, highest anomaly score first.
    std::vector<ScorableRow> rows;
    int windowCount = 0;
    int scorableWindows = 0;
    double maxScore = -std::numeric_limits<double>::infinity();
    for (size_t f = 0; f < files.size(); ++f) {
        if (Status ok = checkScores(files[f], qsizetype(f)); !ok)
            return std::unexpected(ok.error());
        const NabLabels &labels = *files[f].labels;
        const std::vector<double> weights = nabRowWeights(labels, profile);
        const std::vector<int> windows = windowOfRow(labels);
        for (int i = nabProbationLength(labels.rowCount); i < labels.rowCount; ++i) {
            const int window = windows[size_t(i)];
            rows.push_back(ScorableRow{files[f].anomalyScores[size_t(i)],
                                       weights[size_t(i)],
                                       window >= 0 ? windowCount + window : -1});
            maxScore = std::max(maxScore, files[f].anomalyScores[size_t(i)]);
        }
        windowCount += int(labels.windows.size());
        scorableWindows += scorableWindowCount(labels);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const ScorableRow &a, const ScorableRow &b) {
        return a.anomalyScore > b.anomalyScore;
    });

    // Lower the threshold one distinct score at a time, as NAB's calcScoreByThreshold does: the
    // score of threshold t counts every row with a score >= t. A window's part is the best weight
    // among its detections (the earliest one: weights fall across a window), -A_FN without any.
    result.nullScore = -profile.fnWeight * scorableWindows;
    result.perfectScore = profile.tpWeight * windowCount;
    std::vector<double> windowPart(size_t(windowCount), -profile.fnWeight);
    double windowSum = result.nullScore;
    double fpSum = 0.0;
    double bestScore = result.nullScore;
    double bestThreshold = maxScore >= kNothingDetected
                               ? std::nextafter(maxScore, std::numeric_limits<double>::infinity())
                               : kNothingDetected;
    for (size_t r = 0; r < rows.size();) {
        const double threshold = rows[r].anomalyScore;
        for (; r < rows.size() && rows[r].anomalyScore == threshold; ++r) {
            const ScorableRow &row = rows[r];
            if (row.window < 0) {
                fpSum += row.weight;
            } else if (row.weight > windowPart[size_t(row.window)]) {
                windowSum += row.weight - windowPart[size_t(row.window)];
                windowPart[size_t(row.window)] = row.weight;
            }
        }
        if (windowSum + fpSum > bestScore) {
            bestScore = windowSum + fpSum;
            bestThreshold = threshold;
        }
    }
    result.threshold = bestThreshold;

    // The score step: every file at the chosen threshold, summed.
    result.files.reserve(files.size());
    for (size_t f = 0; f < files.size(); ++f) {
        Result<NabFileResult> file = scoreNabFile(files[f], profile, bestThreshold);
        if (!file)
            return std::unexpected(file.error());
        result.rawScore += file->score;
        result.counts.truePositives += file->counts.truePositives;
        result.counts.trueNegatives += file->counts.trueNegatives;
        result.counts.falsePositives += file->counts.falsePositives;
        result.counts.falseNegatives += file->counts.falseNegatives;
        result.files.push_back(*file);
    }
    const double range = result.perfectScore - result.nullScore;
    result.normalizedScore = range > 0 ? 100.0 * (result.rawScore - result.nullScore) / range : 0.0;
    return result;
}

} // namespace foresight::prediction
