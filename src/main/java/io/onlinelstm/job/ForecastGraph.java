package io.onlinelstm.job;

import io.onlinelstm.io.Alert;
import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.ModelUpdate;
import io.onlinelstm.io.ModelUpdateSigner;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.io.Reading;
import io.onlinelstm.io.ReadingParser;
import io.onlinelstm.operator.BundlingForecastOperator;
import io.onlinelstm.operator.ForecastOperator;
import io.onlinelstm.operator.ForecasterSettings;
import io.onlinelstm.training.CheckModelUpdates;
import io.onlinelstm.training.PublishSettings;
import io.onlinelstm.training.TrainerOperator;
import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The one place that wires the job's graph, used by the live job, replays, the demo and the
 * benchmarks alike: raw records in, parse, key by series, forecast, and in async mode the update
 * check, the trainer and its announcements. Sources and sinks are the caller's, so tests and
 * benchmarks swap them; every operator has a name and a uid (savepoints map state by uid).
 */
public final class ForecastGraph {

    private ForecastGraph() {}

    /** A sink with the name and uid it gets in the graph. */
    public record NamedSink<T>(Sink<T> sink, String name, String uid) {}

    /**
     * Where the graph writes. A null sink leaves that output unconnected: its records are still
     * counted by the operators' metrics (benchmarks and replays that only read the forecasts).
     */
    public record Sinks(NamedSink<Forecast> forecasts, NamedSink<Alert> alerts, NamedSink<DeadLetter> deadLetters,
                        NamedSink<ModelUpdate> modelUpdates, NamedSink<DeadLetter> modelUpdateDeadLetters) {

        public static Sinks forecastsOnly(NamedSink<Forecast> forecasts) {
            return new Sinks(forecasts, null, null, null, null);
        }
    }

    /**
     * What the graph needs besides the forecaster's settings.
     *
     * @param publishing where the trainer publishes (async training only; else null)
     * @param signer verifies model updates before the broadcast; null accepts unsigned ones
     * @param forecasterFactory makes the forecaster operator (benchmarks swap the step out)
     */
    public record Settings(ForecasterSettings forecaster, int maxRecordBytes, PublishSettings publishing,
                           ModelUpdateSigner signer, String jobName, ForecasterFactory forecasterFactory) {

        public Settings(ForecasterSettings forecaster, int maxRecordBytes) {
            this(forecaster, maxRecordBytes, null, null, "", ForecasterFactory.STANDARD);
        }

        boolean asyncTraining() {
            return forecaster.training() != null && !forecaster.inlineTraining();
        }
    }

    /** Makes the forecaster: with a second input for model updates, or without. */
    @FunctionalInterface
    public interface ForecasterFactory extends Serializable {
        BundlingForecastOperator create(ForecasterSettings settings, boolean takesUpdates);

        ForecasterFactory STANDARD = (s, updates) -> updates ? new ForecastOperator(s) : new BundlingForecastOperator(s);
    }

    /** The graph's streams, for callers that attach more (tests, benchmarks). */
    public record Streams(SingleOutputStreamOperator<Forecast> forecasts, DataStream<Alert> alerts,
                          DataStream<DeadLetter> deadLetters, DataStream<ModelUpdate> published,
                          DataStream<DeadLetter> modelUpdateDeadLetters) {}

    /**
     * @param readings raw reading records (Kafka, a history file, a generator)
     * @param modelUpdates raw records of the model-updates topic; needed in async training mode
     *     only (the forecasters serve what the trainer announces there), else null
     */
    public static Streams build(DataStream<RawReading> readings, DataStream<RawReading> modelUpdates, Settings settings,
                                Sinks sinks) {
        ForecasterSettings forecaster = settings.forecaster();
        boolean async = settings.asyncTraining();
        if (async && (modelUpdates == null || settings.publishing() == null)) {
            throw new IllegalArgumentException("Async training needs the model-updates records and a model store");
        }
        SingleOutputStreamOperator<Reading> parsed = readings
                .process(new ParseReadings(new ReadingParser(forecaster.model().features(), settings.maxRecordBytes())))
                .name("parse readings").uid("parse-readings");
        var keyed = parsed.keyBy(r -> r.key, TypeInformation.of(String.class));
        SingleOutputStreamOperator<Forecast> forecasts;
        DataStream<DeadLetter> updateDeadLetters = null;
        if (async) {
            SingleOutputStreamOperator<ModelUpdate> checked = modelUpdates
                    .process(new CheckModelUpdates(forecaster.model(), settings.jobName(), settings.signer(),
                            forecaster.initialModel() == null ? 0 : forecaster.initialModel().version(),
                            settings.publishing().storeUri()))
                    .name("check model updates").uid("check-model-updates")
                    .setParallelism(1).setMaxParallelism(1);
            updateDeadLetters = checked.getSideOutput(CheckModelUpdates.DEAD_LETTERS);
            forecasts = keyed.connect(checked.broadcast())
                    .transform("lstm forecaster", TypeInformation.of(Forecast.class),
                            (ForecastOperator) settings.forecasterFactory().create(forecaster, true))
                    .uid("lstm-forecaster");
        } else {
            forecasts = keyed.transform("lstm forecaster", TypeInformation.of(Forecast.class),
                            settings.forecasterFactory().create(forecaster, false))
                    .uid("lstm-forecaster");
        }
        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseReadings.DEAD_LETTERS)
                .union(forecasts.getSideOutput(BundlingForecastOperator.DEAD_LETTERS));
        DataStream<Alert> alerts = forecasts.getSideOutput(BundlingForecastOperator.ALERTS);
        DataStream<ModelUpdate> published = async ? train(forecasts, settings) : null;

        attach(forecasts, sinks.forecasts());
        attach(alerts, sinks.alerts());
        attach(deadLetters, sinks.deadLetters());
        if (async) {
            // Their producers run at parallelism 1: one transactional writer each, as the trainer and check.
            attach(published, sinks.modelUpdates(), 1);
            attach(updateDeadLetters, sinks.modelUpdateDeadLetters(), 1);
        }
        return new Streams(forecasts, alerts, deadLetters, published, updateDeadLetters);
    }

    /** The trainer at parallelism 1, fed by every forecaster's windows and live errors. */
    private static SingleOutputStreamOperator<ModelUpdate> train(SingleOutputStreamOperator<Forecast> forecasts,
                                                                 Settings settings) {
        ForecasterSettings f = settings.forecaster();
        return forecasts.getSideOutput(BundlingForecastOperator.TRAINING_WINDOWS)
                .connect(forecasts.getSideOutput(BundlingForecastOperator.LIVE_ERRORS))
                .transform("trainer", TypeInformation.of(ModelUpdate.class),
                        new TrainerOperator(f.model(), f.device(), f.training(), f.initialModel(), settings.publishing()))
                .uid("trainer")
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    private static <T> void attach(DataStream<T> stream, NamedSink<T> sink) {
        attach(stream, sink, 0);
    }

    /** @param parallelism 0: the job's */
    private static <T> void attach(DataStream<T> stream, NamedSink<T> sink, int parallelism) {
        if (sink == null) {
            return;
        }
        var s = stream.sinkTo(sink.sink()).name(sink.name()).uid(sink.uid());
        if (parallelism > 0) {
            s.setParallelism(parallelism);
        }
    }
}
