// The recurrent family of the Predictive State Engine: a small GRU trained online.
//
// Why Eigen: the network is tiny (16 hidden units, ~1,500 weights) and is trained one step at a
// time inside observe(), so what matters is low per-call overhead and no allocation churn, not
// throughput on big batches. Eigen is header-only, in Debian, vectorises these small products
// well, and keeps the engine free of a machine-learning runtime (Debian 12 has no libtorch that
// fits a QtCore library, and xgboost has no recurrent models). Eigen types stay in this file.
//
// One network per application, weights shared by all its keys; each key has its own hidden
// state, carried from one change of the key to the next. After every change whose outcome is
// known, the key's last `gruWindow` steps are replayed from the hidden state before them
// (truncated backpropagation through time), Huber loss on both outputs, one Adam step.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <random>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <Eigen/Dense>

#include "statemodel.h"

namespace foresight::prediction::Internal {
namespace {

using Eigen::Index;
using Eigen::Map;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr int kOutputs = 2; // normalised value change, log interval ratio
constexpr double kHuberDelta = 1.0;

// Views of the weights (or of their gradients) in one flat vector, so Adam and gradient clipping
// are single vector operations.
struct Layout
{
    Index inputs = 0;
    Index hidden = 0;
    // Offsets of Wz, Uz, bz, Wr, Ur, br, Wn, Un, bn, Wy, by.
    Index offsets[11] = {};
    Index total = 0;

    Layout(Index in, Index h)
        : inputs(in)
        , hidden(h)
    {
        const Index sizes[11] = {h * in, h * h, h, h * in, h * h, h, h * in, h * h, h, kOutputs * h, kOutputs};
        for (int i = 0; i < 11; ++i) {
            offsets[i] = total;
            total += sizes[i];
        }
    }
};

template<bool Const>
struct Views
{
    using Pointer = std::conditional_t<Const, const double *, double *>;
    using M = Map<std::conditional_t<Const, const MatrixXd, MatrixXd>>;
    using V = Map<std::conditional_t<Const, const VectorXd, VectorXd>>;
    M Wz, Uz;
    V bz;
    M Wr, Ur;
    V br;
    M Wn, Un;
    V bn;
    M Wy;
    V by;

    Views(Pointer p, const Layout &l)
        : Wz(p + l.offsets[0], l.hidden, l.inputs)
        , Uz(p + l.offsets[1], l.hidden, l.hidden)
        , bz(p + l.offsets[2], l.hidden)
        , Wr(p + l.offsets[3], l.hidden, l.inputs)
        , Ur(p + l.offsets[4], l.hidden, l.hidden)
        , br(p + l.offsets[5], l.hidden)
        , Wn(p + l.offsets[6], l.hidden, l.inputs)
        , Un(p + l.offsets[7], l.hidden, l.hidden)
        , bn(p + l.offsets[8], l.hidden)
        , Wy(p + l.offsets[9], kOutputs, l.hidden)
        , by(p + l.offsets[10], kOutputs)
    {}
};

VectorXd sigmoid(const VectorXd &a)
{
    return (1.0 + (-a.array()).exp()).inverse().matrix();
}

// What one forward step keeps for the backward pass.
struct StepCache
{
    VectorXd hPrev, z, r, n, h;
};

struct Step
{
    VectorXd x;
    VectorXd hAfter; // hidden state after this step, with the weights of the latest pass
    double target[kOutputs] = {0.0, 0.0};
    bool known[kOutputs] = {false, false};
};

struct KeyState
{
    VectorXd hStart; // hidden state before window.front()
    VectorXd hNow;   // hidden state after window.back()
    std::deque<Step> window;
};

class GruStateModel final : public StateModel
{
public:
    GruStateModel(const StatePredictorParams &params, int features)
        : m_params(params)
        , m_layout(features, params.gruHidden)
        , m_theta(VectorXd::Zero(m_layout.total))
        , m_grad(VectorXd::Zero(m_layout.total))
        , m_adamM(VectorXd::Zero(m_layout.total))
        , m_adamV(VectorXd::Zero(m_layout.total))
    {
        // Glorot-uniform weights, zero biases, a fixed seed: the same trace gives the same model.
        std::mt19937 generator(params.seed);
        auto fill = [&](Index offset, Index rows, Index cols) {
            const double bound = std::sqrt(6.0 / static_cast<double>(rows + cols));
            std::uniform_real_distribution<double> uniform(-bound, bound);
            for (Index i = 0; i < rows * cols; ++i)
                m_theta[offset + i] = uniform(generator);
        };
        const Index h = m_layout.hidden, in = m_layout.inputs;
        for (int gate = 0; gate < 3; ++gate) {
            fill(m_layout.offsets[gate * 3], h, in);
            fill(m_layout.offsets[gate * 3 + 1], h, h);
        }
        fill(m_layout.offsets[9], kOutputs, h);
        m_theta.segment(m_layout.offsets[9], kOutputs * h) *= 0.1; // start near "no change"
    }

    StateModelKind kind() const override { return StateModelKind::Gru; }
    bool ready() const override { return true; }
    double trainSeconds() const override { return m_trainSeconds; }

    Status learn(int slot, std::span<const float>, float valueTarget, float intervalTarget) override
    {
        auto found = m_keys.find(slot);
        if (found == m_keys.end() || found->second.window.empty())
            return {};
        const auto started = std::chrono::steady_clock::now();
        KeyState &key = found->second;
        Step &last = key.window.back();
        last.known[0] = !std::isnan(valueTarget);
        last.target[0] = last.known[0] ? valueTarget : 0.0;
        last.known[1] = !std::isnan(intervalTarget);
        last.target[1] = last.known[1] ? intervalTarget : 0.0;
        train(key);
        replay(key);
        m_trainSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return {};
    }

    NormalisedForecast forecast(int slot, std::span<const float> features, const KeyHistory &) override
    {
        KeyState &key = m_keys[slot];
        if (key.hNow.size() == 0) {
            key.hStart = VectorXd::Zero(m_layout.hidden);
            key.hNow = key.hStart;
        }
        Step step;
        step.x = standardise(features);
        const Views<true> w(m_theta.data(), m_layout);
        StepCache cache = cell(w, key.hNow, step.x);
        step.hAfter = cache.h;
        key.hNow = cache.h;
        key.window.push_back(std::move(step));
        while (static_cast<int>(key.window.size()) > m_params.gruWindow) {
            key.hStart = key.window.front().hAfter;
            key.window.pop_front();
        }
        const VectorXd y = w.Wy * key.hNow + w.by;
        return NormalisedForecast{y[0], y[1]};
    }

private:
    // The features are already in each key's own scale, but their spreads differ by feature (a
    // counter's level z-score sits at its clip, sin/cos stay within 1): a running mean and
    // variance per input, shared by the keys and updated as forecasts are made, bring them to a
    // common scale so that no input saturates the gates. Clipped to +-4.
    VectorXd standardise(std::span<const float> features)
    {
        if (m_inputMean.size() == 0) {
            m_inputMean = VectorXd::Zero(m_layout.inputs);
            m_inputVar = VectorXd::Ones(m_layout.inputs);
        }
        ++m_inputCount;
        const double w = std::max(0.001, 1.0 / static_cast<double>(m_inputCount));
        VectorXd x(m_layout.inputs);
        for (Index i = 0; i < m_layout.inputs; ++i) {
            const double value = features[static_cast<std::size_t>(i)];
            const double deviation = value - m_inputMean[i];
            m_inputMean[i] += w * deviation;
            m_inputVar[i] = (1.0 - w) * (m_inputVar[i] + w * deviation * deviation);
            const double stddev = std::sqrt(m_inputVar[i]);
            x[i] = stddev > 1e-6 ? std::clamp((value - m_inputMean[i]) / stddev, -4.0, 4.0) : 0.0;
        }
        return x;
    }

    template<typename W>
    static StepCache cell(const W &w, const VectorXd &hPrev, const VectorXd &x)
    {
        StepCache c;
        c.hPrev = hPrev;
        c.z = sigmoid(w.Wz * x + w.Uz * hPrev + w.bz);
        c.r = sigmoid(w.Wr * x + w.Ur * hPrev + w.br);
        c.n = (w.Wn * x + w.Un * c.r.cwiseProduct(hPrev) + w.bn).array().tanh().matrix();
        c.h = (1.0 - c.z.array()).matrix().cwiseProduct(c.n) + c.z.cwiseProduct(hPrev);
        return c;
    }

    // One truncated-BPTT pass over the key's window and one Adam step.
    void train(const KeyState &key)
    {
        const Views<true> w(m_theta.data(), m_layout);
        std::vector<StepCache> caches;
        caches.reserve(key.window.size());
        VectorXd h = key.hStart;
        int labelled = 0;
        for (const Step &step : key.window) {
            caches.push_back(cell(w, h, step.x));
            h = caches.back().h;
            labelled += static_cast<int>(step.known[0]) + static_cast<int>(step.known[1]);
        }
        if (labelled == 0)
            return;

        m_grad.setZero();
        Views<false> g(m_grad.data(), m_layout);
        VectorXd dhNext = VectorXd::Zero(m_layout.hidden);
        for (std::size_t t = key.window.size(); t-- > 0;) {
            const Step &step = key.window[t];
            const StepCache &c = caches[t];
            VectorXd dh = dhNext;
            const VectorXd y = w.Wy * c.h + w.by;
            VectorXd dy = VectorXd::Zero(kOutputs);
            for (int o = 0; o < kOutputs; ++o) {
                if (step.known[o])
                    dy[o] = std::clamp(y[o] - step.target[o], -kHuberDelta, kHuberDelta) / labelled;
            }
            g.Wy.noalias() += dy * c.h.transpose();
            g.by += dy;
            dh.noalias() += w.Wy.transpose() * dy;

            const VectorXd dz = dh.cwiseProduct(c.hPrev - c.n);
            const VectorXd dn = dh.cwiseProduct((1.0 - c.z.array()).matrix());
            VectorXd dhPrev = dh.cwiseProduct(c.z);
            const VectorXd daN = dn.cwiseProduct((1.0 - c.n.array().square()).matrix());
            const VectorXd rh = c.r.cwiseProduct(c.hPrev);
            g.Wn.noalias() += daN * step.x.transpose();
            g.Un.noalias() += daN * rh.transpose();
            g.bn += daN;
            const VectorXd dRh = w.Un.transpose() * daN;
            dhPrev += dRh.cwiseProduct(c.r);
            const VectorXd daR = dRh.cwiseProduct(c.hPrev).cwiseProduct(c.r.cwiseProduct((1.0 - c.r.array()).matrix()));
            g.Wr.noalias() += daR * step.x.transpose();
            g.Ur.noalias() += daR * c.hPrev.transpose();
            g.br += daR;
            dhPrev.noalias() += w.Ur.transpose() * daR;
            const VectorXd daZ = dz.cwiseProduct(c.z.cwiseProduct((1.0 - c.z.array()).matrix()));
            g.Wz.noalias() += daZ * step.x.transpose();
            g.Uz.noalias() += daZ * c.hPrev.transpose();
            g.bz += daZ;
            dhPrev.noalias() += w.Uz.transpose() * daZ;
            dhNext = dhPrev;
        }

        const double norm = m_grad.norm();
        if (!std::isfinite(norm))
            return; // never let one bad step poison the weights
        if (norm > m_params.gruClip)
            m_grad *= m_params.gruClip / norm;
        constexpr double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        ++m_adamSteps;
        m_adamM = beta1 * m_adamM + (1.0 - beta1) * m_grad;
        m_adamV = beta2 * m_adamV + (1.0 - beta2) * m_grad.cwiseProduct(m_grad);
        const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(m_adamSteps));
        const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(m_adamSteps));
        m_theta.array() -= m_params.gruLearningRate * (m_adamM.array() / correction1)
                           / ((m_adamV.array() / correction2).sqrt() + epsilon);
    }

    // Recomputes the key's hidden states with the updated weights, so that its next forecast
    // continues from what the current network makes of its recent past.
    void replay(KeyState &key) const
    {
        const Views<true> w(m_theta.data(), m_layout);
        VectorXd h = key.hStart;
        for (Step &step : key.window) {
            h = cell(w, h, step.x).h;
            step.hAfter = h;
        }
        key.hNow = h;
    }

    StatePredictorParams m_params;
    Layout m_layout;
    VectorXd m_theta;
    VectorXd m_grad;
    VectorXd m_adamM;
    VectorXd m_adamV;
    std::int64_t m_adamSteps = 0;
    VectorXd m_inputMean;
    VectorXd m_inputVar;
    std::int64_t m_inputCount = 0;
    double m_trainSeconds = 0.0;
    std::unordered_map<int, KeyState> m_keys;
};

} // namespace

std::unique_ptr<StateModel> makeGruStateModel(const StatePredictorParams &params, int features)
{
    return std::make_unique<GruStateModel>(params, features);
}

} // namespace foresight::prediction::Internal
