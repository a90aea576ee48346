// The configuration pages built from ConfigPlotPage: what each one plots.
#pragma once

class QWidget;

namespace sb::gui {

class ConfigPlotPage;
class RunStore;

// Box plots and ECDFs of each strategy's samples, side by side.
ConfigPlotPage* makeDistributionsPage(RunStore* store, QWidget* parent);
// Peak RSS, allocated bytes, weights and KV cache per strategy.
ConfigPlotPage* makeMemoryPage(RunStore* store, QWidget* parent);
// Throughput against the chosen quality metric, with the Pareto front.
ConfigPlotPage* makeQualityPage(RunStore* store, QWidget* parent);

}  // namespace sb::gui
