package io.onlinelstm.job;

import io.onlinelstm.io.DeadLetter;
import io.onlinelstm.io.DeadLetterReason;
import io.onlinelstm.io.RawReading;
import io.onlinelstm.io.Reading;
import io.onlinelstm.io.ReadingParser;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Parses raw records; refused ones go to a side output with their reason and are counted by reason. */
public final class ParseReadings extends ProcessFunction<RawReading, Reading> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("parse-dead-letters", TypeInformation.of(DeadLetter.class));

    private final ReadingParser parser;
    /** By reason id, the form dead letters carry. */
    private transient Map<String, Counter> counters;

    public ParseReadings(ReadingParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup deadLetterGroup = getRuntimeContext().getMetricGroup().addGroup("deadLetters");
        counters = new HashMap<>();
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counters.put(reason.id(), deadLetterGroup.counter(reason.id()));
        }
    }

    @Override
    public void processElement(RawReading raw, Context ctx, Collector<Reading> out) {
        ReadingParser.Result result = parser.parse(raw);
        if (result.isValid()) {
            out.collect(result.reading());
        } else {
            DeadLetter letter = result.deadLetter();
            counters.get(letter.reason).inc();
            ctx.output(DEAD_LETTERS, letter);
        }
    }
}
