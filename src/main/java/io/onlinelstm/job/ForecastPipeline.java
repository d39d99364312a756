package io.onlinelstm.job;

import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.io.Reading;
import io.onlinelstm.io.ReadingParser;
import io.onlinelstm.operator.BundlingForecastOperator;
import io.onlinelstm.operator.ForecasterSettings;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job's graph between source and sinks: parse, key by series, forecast. Sources and sinks are
 * attached by the caller, so tests and benchmarks can swap them.
 */
public final class ForecastPipeline {

    /** The two outputs of the pipeline. */
    public record Outputs(DataStream<Forecast> forecasts, DataStream<DeadLetter> deadLetters) {}

    private ForecastPipeline() {}

    public static Outputs build(DataStream<RawReading> raw, ForecasterSettings settings, int maxRecordBytes) {
        SingleOutputStreamOperator<Reading> parsed = raw
                .process(new ParseReadings(new ReadingParser(settings.model().features(), maxRecordBytes)))
                .name("parse readings").uid("parse-readings");
        SingleOutputStreamOperator<Forecast> forecasts = forecast(parsed, settings);
        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseReadings.DEAD_LETTERS)
                .union(forecasts.getSideOutput(BundlingForecastOperator.DEAD_LETTERS));
        return new Outputs(forecasts, deadLetters);
    }

    /** Keys parsed readings by series and runs the bundling forecaster on them. */
    public static SingleOutputStreamOperator<Forecast> forecast(DataStream<Reading> readings, ForecasterSettings settings) {
        return readings
                .keyBy(r -> r.key, TypeInformation.of(String.class))
                .transform("lstm forecaster", TypeInformation.of(Forecast.class), new BundlingForecastOperator(settings))
                .uid("lstm-forecaster");
    }
}
