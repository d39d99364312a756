package io.onlinelstm.job;

import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.io.Reading;
import io.onlinelstm.io.ReadingParser;
import io.onlinelstm.operator.BundlingForecastOperator;
import io.onlinelstm.operator.ForecastOperator;
import io.onlinelstm.operator.ForecasterSettings;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.training.PublishSettings;
import io.onlinelstm.training.TrainerOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job's graph between source and sinks: parse, key by series, forecast. Sources and sinks are
 * attached by the caller, so tests and benchmarks can swap them.
 */
public final class ForecastPipeline {

    /** The outputs of the pipeline. */
    public record Outputs(SingleOutputStreamOperator<Forecast> forecasts, DataStream<DeadLetter> deadLetters) {}

    private ForecastPipeline() {}

    /** Without model updates: forecasting only, or inline training. */
    public static Outputs build(DataStream<RawReading> raw, ForecasterSettings settings, int maxRecordBytes) {
        return build(raw, null, settings, maxRecordBytes);
    }

    /**
     * @param modelUpdates announced model versions, broadcast to every forecaster; null when the
     *     forecasters do not take updates (forecasting only, or inline training)
     */
    public static Outputs build(DataStream<RawReading> raw, DataStream<ModelUpdate> modelUpdates,
                                ForecasterSettings settings, int maxRecordBytes) {
        SingleOutputStreamOperator<Reading> parsed = raw
                .process(new ParseReadings(new ReadingParser(settings.model().features(), maxRecordBytes)))
                .name("parse readings").uid("parse-readings");
        SingleOutputStreamOperator<Forecast> forecasts = modelUpdates == null
                ? forecast(parsed, settings)
                : forecastWithUpdates(parsed, modelUpdates, settings);
        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseReadings.DEAD_LETTERS)
                .union(forecasts.getSideOutput(BundlingForecastOperator.DEAD_LETTERS));
        return new Outputs(forecasts, deadLetters);
    }

    /** The forecaster with a second, broadcast input of model updates. */
    public static SingleOutputStreamOperator<Forecast> forecastWithUpdates(
            DataStream<Reading> readings, DataStream<ModelUpdate> modelUpdates, ForecasterSettings settings) {
        return readings
                .keyBy(r -> r.key, TypeInformation.of(String.class))
                .connect(modelUpdates.broadcast())
                .transform("lstm forecaster", TypeInformation.of(Forecast.class), new ForecastOperator(settings))
                .uid("lstm-forecaster");
    }

    /** The trainer at parallelism 1, fed by every forecaster's windows; unsigned updates, default retention. */
    public static SingleOutputStreamOperator<ModelUpdate> train(
            SingleOutputStreamOperator<Forecast> forecasts, ForecasterSettings settings, String storeUri) {
        return train(forecasts, settings, PublishSettings.of(storeUri));
    }

    /** The trainer at parallelism 1, fed by every forecaster's windows. */
    public static SingleOutputStreamOperator<ModelUpdate> train(
            SingleOutputStreamOperator<Forecast> forecasts, ForecasterSettings settings, PublishSettings publishing) {
        return forecasts.getSideOutput(BundlingForecastOperator.TRAINING_WINDOWS)
                .connect(forecasts.getSideOutput(BundlingForecastOperator.LIVE_ERRORS))
                .transform("trainer", TypeInformation.of(ModelUpdate.class),
                        new TrainerOperator(settings.model(), settings.device(), settings.training(),
                                settings.initialModel(), publishing))
                .uid("trainer")
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    /** Keys parsed readings by series and runs the bundling forecaster on them. */
    public static SingleOutputStreamOperator<Forecast> forecast(DataStream<Reading> readings, ForecasterSettings settings) {
        return readings
                .keyBy(r -> r.key, TypeInformation.of(String.class))
                .transform("lstm forecaster", TypeInformation.of(Forecast.class), new BundlingForecastOperator(settings))
                .uid("lstm-forecaster");
    }
}
