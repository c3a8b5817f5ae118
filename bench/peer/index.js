// The benchmark's peer: the same one-answer skill as most Alexa skills run it, on Node's
// ask-sdk-core behind ask-sdk-express-adapter, in one process. Verification is off (as the brief
// for the peer says), so it does strictly less work than our full pipeline.
'use strict';

const Alexa = require('ask-sdk-core');
const express = require('express');
const { ExpressAdapter } = require('ask-sdk-express-adapter');

const SPEECH = 'Warmth, gentle strokes towards the armpit and frequent feeding usually ease a lump.';

const AnswerHandler = {
  canHandle: () => true,
  handle: (handlerInput) => handlerInput.responseBuilder.speak(SPEECH).getResponse(),
};

const skill = Alexa.SkillBuilders.custom().addRequestHandlers(AnswerHandler).create();
const adapter = new ExpressAdapter(skill, false, false);
const app = express();
app.post('/', adapter.getRequestHandlers());

const port = Number(process.env.PORT || 8090);
app.listen(port, '127.0.0.1', () => console.log(`peer listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));
