package io.onlinelstm.operator;

import io.onlinelstm.io.Forecast;
import io.onlinelstm.io.Reading;
import io.onlinelstm.io.ModelUpdate;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The forecaster of the streaming job: keyed readings on input 1, the broadcast model updates on
 * input 2 (no keyed state is touched for them).
 */
public class ForecastOperator extends BundlingForecastOperator
        implements TwoInputStreamOperator<Reading, ModelUpdate, Forecast>, BoundedMultiInput {

    private static final long serialVersionUID = 1L;

    public ForecastOperator(ForecasterSettings settings) {
        super(settings);
    }

    @Override
    public void processElement1(StreamRecord<Reading> element) throws Exception {
        processElement(element);
    }

    @Override
    public void processElement2(StreamRecord<ModelUpdate> element) throws Exception {
        applyModelUpdate(element.getValue());
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            endInput();
        }
    }
}
