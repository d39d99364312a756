package io.onlinelstm.operator;

import io.onlinelstm.io.Alert;
import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.training.LiveErrorReport;
import io.onlinelstm.training.TrainingWindow;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/** The forecaster's outputs: forecasts on the main output, the rest on side outputs, all counted. */
final class ForecasterOutputs implements BundleFunction.Outputs {

    static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("forecaster-dead-letters", TypeInformation.of(DeadLetter.class));
    static final OutputTag<TrainingWindow> TRAINING_WINDOWS =
            new OutputTag<>("training-windows", TypeInformation.of(TrainingWindow.class));
    static final OutputTag<Alert> ALERTS = new OutputTag<>("alerts", TypeInformation.of(Alert.class));
    static final OutputTag<LiveErrorReport> LIVE_ERRORS =
            new OutputTag<>("live-errors", TypeInformation.of(LiveErrorReport.class));

    private final Output<StreamRecord<Forecast>> output;
    private final ForecasterMetrics metrics;

    ForecasterOutputs(Output<StreamRecord<Forecast>> output, ForecasterMetrics metrics) {
        this.output = output;
        this.metrics = metrics;
    }

    @Override
    public void forecast(Forecast forecast, long ts) {
        metrics.forecast(forecast);
        output.collect(new StreamRecord<>(forecast, ts));
    }

    @Override
    public void deadLetter(DeadLetter letter, DeadLetterReason reason, long ts) {
        metrics.deadLetter(reason);
        output.collect(DEAD_LETTERS, new StreamRecord<>(letter, ts));
    }

    @Override
    public void alert(Alert alert, long ts) {
        output.collect(ALERTS, new StreamRecord<>(alert, ts));
    }

    @Override
    public void window(TrainingWindow window, long ts) {
        output.collect(TRAINING_WINDOWS, new StreamRecord<>(window, ts));
    }

    @Override
    public void liveError(LiveErrorReport report) {
        output.collect(LIVE_ERRORS, new StreamRecord<>(report));
    }

    @Override
    public void stepped(long micros, int rows) {
        metrics.stepMicros.update(micros);
    }
}
