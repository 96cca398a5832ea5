// The naive baselines of the Predictive State Engine: what a model must beat to be worth running.

#include "statemodel.h"

namespace foresight::prediction::Internal {
namespace {

class NaiveStateModel final : public StateModel
{
public:
    explicit NaiveStateModel(StateModelKind kind)
        : m_kind(kind)
    {}
    StateModelKind kind() const override { return m_kind; }
    bool ready() const override { return true; }
    Status learn(int, std::span<const float>, float, float) override { return {}; }
    NormalisedForecast forecast(int, std::span<const float>, const KeyHistory &history) override
    {
        return naiveForecast(m_kind, history);
    }
    double trainSeconds() const override { return 0.0; }

private:
    StateModelKind m_kind;
};

} // namespace

NormalisedForecast naiveForecast(StateModelKind kind, const KeyHistory &history)
{
    // Values are forecast as the change beyond the key's drift (statefeatures.h).
    NormalisedForecast out;
    const double scale = history.safeResidualScale();
    if (kind == StateModelKind::Linear) {
        // Linear extrapolation in change steps: the next change repeats the last one; the next
        // interval is the key's mean interval so far.
        out.value = ((history.diffs.empty() ? 0.0 : history.diffs.back()) - history.drift) / scale;
        if (history.timeReady())
            out.interval = intervalTarget(history.meanInterval(), history.intervalScale);
    } else {
        // Last value: nothing changes; the next interval repeats the last one.
        out.value = -history.drift / scale;
        if (!history.intervals.empty())
            out.interval = intervalTarget(history.intervals.back(), history.intervalScale);
    }
    return out;
}

std::unique_ptr<StateModel> makeNaiveStateModel(StateModelKind kind)
{
    return std::make_unique<NaiveStateModel>(kind);
}

} // namespace foresight::prediction::Internal
